package io.llmrelay.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address): which peers may set
 * {@code X-Forwarded-For} ({@code trusted_proxies}). An IPv4 block also matches the same addresses
 * written as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}), as a dual-stack socket reports them.
 * Immutable.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String written;

    private Cidr(byte[] network, int prefix, String written) {
        this.network = network;
        this.prefix = prefix;
        this.written = written;
    }

    /**
     * Parses an address or block; only literal addresses (no host names: nothing is looked up).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + bits);
            }
        }
        byte[] network = bytes.clone();
        for (int i = 0; i < network.length * 8; i++) {
            if (i >= prefix) {
                network[i / 8] &= (byte) ~(0x80 >>> (i % 8));
            }
        }
        return new Cidr(network, prefix, s);
    }

    /** The bytes of a literal IPv4 or IPv6 address; null for anything else (a name is never resolved). */
    private static byte[] literal(String address) {
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9'))) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isMappedV4(a)) {
            a = java.util.Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < prefix; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return written;
    }
}
