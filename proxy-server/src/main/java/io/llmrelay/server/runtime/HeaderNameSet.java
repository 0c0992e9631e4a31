package io.llmrelay.server.runtime;

import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed set of header names a proxy leaves out (the hop-by-hop ones and those it sets itself),
 * matched in any case. Grouped by length, so a name is compared with one or two others rather than
 * hashed and looked up: a message's headers are checked against it one by one, in one pass.
 *
 * <p>Immutable and thread-safe.
 */
public final class HeaderNameSet {

    private final AsciiString[][] byLength;

    private HeaderNameSet(AsciiString[][] byLength) {
        this.byLength = byLength;
    }

    public static HeaderNameSet of(AsciiString... names) {
        int longest = 0;
        for (AsciiString name : names) {
            longest = Math.max(longest, name.length());
        }
        AsciiString[][] table = new AsciiString[longest + 1][0];
        for (AsciiString name : names) {
            AsciiString[] same = Arrays.copyOf(table[name.length()], table[name.length()].length + 1);
            same[same.length - 1] = name;
            table[name.length()] = same;
        }
        return new HeaderNameSet(table);
    }

    /** Whether {@code name} is in the set, in any case. */
    public boolean contains(CharSequence name) {
        if (name.length() >= byLength.length) {
            return false;
        }
        for (AsciiString member : byLength[name.length()]) {
            if (member.contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The names a {@code Connection} header lists that are not in this set, or null when there are
     * none (the usual {@code keep-alive} or {@code close}). A sender lists there the further headers
     * that are meant for the next hop only (RFC 9110, section 7.6.1), so they are left out as well.
     */
    public List<String> alsoListedIn(String connection) {
        if (connection == null) {
            return null;
        }
        List<String> listed = null;
        int start = 0;
        while (start <= connection.length()) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? connection.length() : comma;
            String token = connection.substring(start, end).trim();
            if (!token.isEmpty() && !contains(token) && !token.equalsIgnoreCase("close")) {
                if (listed == null) {
                    listed = new ArrayList<>(2);
                }
                listed.add(token);
            }
            start = end + 1;
        }
        return listed;
    }

    /** Whether {@code name} is one of {@code listed} (from {@link #alsoListedIn}; null lists nothing), in any case. */
    public static boolean listed(List<String> listed, CharSequence name) {
        if (listed == null) {
            return false;
        }
        for (int i = 0; i < listed.size(); i++) {
            if (AsciiString.contentEqualsIgnoreCase(listed.get(i), name)) {
                return true;
            }
        }
        return false;
    }
}
