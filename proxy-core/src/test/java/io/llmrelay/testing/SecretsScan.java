package io.llmrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The scan of the suite's output for secrets: every secret {@link SeenSecrets} recorded (at least
 * {@link #MIN_LENGTH} characters: a shorter one would match ordinary text) is looked for in every file
 * of captured output (surefire's {@code *-output.txt}, each test class's stdout and stderr, the proxy's
 * log lines among them; {@code *.dumpstream} and {@code *.dump}); a match is a finding. The canaries
 * must be found: they prove the proxy's log lines reach the files scanned.
 */
public final class SecretsScan {

    /** Shorter secrets (test placeholders such as {@code k}) are not looked for. */
    public static final int MIN_LENGTH = 8;

    /** A secret found in captured output: where, and which (masked, with the label it was recorded with). */
    public record Finding(Path file, int line, String label, String masked) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + masked + " (" + label + ")";
        }
    }

    private SecretsScan() {}

    /** Recorded values (value → label) in the {@code secrets-*} files of {@code dirs}. */
    public static Map<String, String> secrets(List<Path> dirs) {
        return read(dirs, SeenSecrets.SECRETS_PREFIX);
    }

    /** The canary recorded last (in the newest {@code canaries-*} file of {@code dir}), or null when none was. */
    public static String newestCanary(Path dir) {
        Path newest = null;
        for (Path file : files(List.of(dir), name -> name.startsWith(SeenSecrets.CANARIES_PREFIX))) {
            if (newest == null || modified(file) > modified(newest)) {
                newest = file;
            }
        }
        if (newest == null) {
            return null;
        }
        List<String> lines = lines(newest);
        String last = lines.get(lines.size() - 1);
        return new String(Base64.getDecoder().decode(last.substring(last.indexOf('\t') + 1)), StandardCharsets.UTF_8);
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> read(List<Path> dirs, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        Base64.Decoder b64 = Base64.getDecoder();
        for (Path file : files(dirs, name -> name.startsWith(prefix) && name.endsWith(".txt"))) {
            for (String line : lines(file)) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    out.putIfAbsent(new String(b64.decode(line.substring(tab + 1)), StandardCharsets.UTF_8),
                            new String(b64.decode(line.substring(0, tab)), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** The files of captured output in surefire's report folders. */
    public static List<Path> outputs(List<Path> reportDirs) {
        return files(reportDirs, name -> name.endsWith("-output.txt") || name.endsWith(".dumpstream")
                || name.endsWith(".dump"));
    }

    /** Every place a secret of {@code secrets} (value → label) appears in {@code files}. */
    public static List<Finding> scan(Map<String, String> secrets, List<Path> files) {
        Matcher matcher = new Matcher(secrets.keySet());
        List<Finding> found = new ArrayList<>();
        for (Path file : files) {
            String text = text(file);
            matcher.find(text, (at, secret) -> found.add(new Finding(file, lineOf(text, at), secrets.get(secret),
                    mask(secret))));
        }
        return found;
    }

    /** Whether {@code value} appears in any of {@code files}. */
    public static boolean appears(String value, List<Path> files) {
        for (Path file : files) {
            if (text(file).contains(value)) {
                return true;
            }
        }
        return false;
    }

    /** How many recorded secrets are too short to be looked for. */
    public static long tooShort(Map<String, String> secrets) {
        return secrets.keySet().stream().filter(s -> s.length() < MIN_LENGTH).count();
    }

    /** A secret as a report may show it: its first characters and its length. */
    static String mask(String secret) {
        return secret.substring(0, Math.min(3, secret.length())) + "... (" + secret.length() + " chars)";
    }

    private static int lineOf(String text, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static List<Path> files(List<Path> dirs, java.util.function.Predicate<String> name) {
        List<Path> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> name.test(p.getFileName().toString())).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static List<String> lines(Path file) {
        return List.of(text(file).split("\n"));
    }

    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds many secrets in one pass: a rolling hash of every {@link #MIN_LENGTH}-character window is
     * looked up among the secrets' first windows, and only a hit is compared in full (a few hundred
     * secrets over tens of megabytes of output in well under a second).
     */
    static final class Matcher {

        private static final long BASE = 1_000_003L;
        private static final int BITS = 1 << 22;

        private final Map<Long, List<String>> byHead = new HashMap<>();
        private final BitSet heads = new BitSet(BITS);
        private final long drop; // BASE^(MIN_LENGTH-1), to take the leaving character out of the hash

        Matcher(Iterable<String> secrets) {
            long d = 1;
            for (int i = 1; i < MIN_LENGTH; i++) {
                d *= BASE;
            }
            drop = d;
            for (String s : secrets) {
                if (s.length() >= MIN_LENGTH) {
                    long h = hash(s, 0);
                    byHead.computeIfAbsent(h, k -> new ArrayList<>()).add(s);
                    heads.set(slot(h));
                }
            }
        }

        interface Hit {
            void at(int index, String secret);
        }

        void find(String text, Hit hit) {
            if (byHead.isEmpty() || text.length() < MIN_LENGTH) {
                return;
            }
            long h = hash(text, 0);
            for (int i = 0; ; i++) {
                if (heads.get(slot(h))) {
                    List<String> candidates = byHead.get(h);
                    if (candidates != null) {
                        for (String s : candidates) {
                            if (text.startsWith(s, i)) {
                                hit.at(i, s);
                            }
                        }
                    }
                }
                if (i + MIN_LENGTH >= text.length()) {
                    return;
                }
                h = (h - text.charAt(i) * drop) * BASE + text.charAt(i + MIN_LENGTH);
            }
        }

        private static long hash(String s, int from) {
            long h = 0;
            for (int i = from; i < from + MIN_LENGTH; i++) {
                h = h * BASE + s.charAt(i);
            }
            return h;
        }

        private static int slot(long h) {
            return (int) ((h ^ (h >>> 29)) & (BITS - 1));
        }
    }
}
