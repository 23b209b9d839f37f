package dev.echoid.plumbing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-Proto} and {@code X-Forwarded-For} headers a web application believes: IPv4
 * and IPv6 addresses and CIDR ranges, space- or comma-separated. Empty (the default) believes no one. Only address
 * literals are accepted, never host names, so reading the setting never looks anything up in DNS.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    /** No proxy chain is longer; a longer header is someone's padding. */
    private static final int MAX_HOPS = 20;

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    /**
     * Reads a list such as {@code "10.0.0.0/8, 192.168.1.5 ::1 fd00::/8"}.
     *
     * @throws InvalidSettingException naming {@code setting} for an entry that is not an address or a CIDR range
     */
    public static TrustedProxies parse(String setting, String value) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : value.trim().split("[\\s,]+")) {
            if (!entry.isEmpty()) {
                ranges.add(Range.parse(entry).orElseThrow(() -> new InvalidSettingException(setting,
                        "has an entry that is not an IP address or CIDR range: '" + entry + "'")));
            }
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (as {@code ServletRequest.getRemoteAddr()} gives it) is one of the proxies. */
    public boolean contains(String address) {
        if (address == null || ranges.isEmpty()) {
            return false;
        }
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && ranges.stream().anyMatch(range -> range.contains(bytes.get()));
    }

    /**
     * The client's address as Tomcat's {@code RemoteIpValve} finds it: when the peer is a trusted proxy, the
     * {@code X-Forwarded-For} entries are read from the right, skipping trusted proxies, and the first address that
     * is not one is the client. An entry that is not an address literal ends the walk at the hop before it (what lies
     * left of it the client wrote). Without a trusted peer the header is ignored: anyone can send it.
     *
     * @param peer         {@code ServletRequest.getRemoteAddr()}
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (forwardedFor.isEmpty() || !contains(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            Optional<byte[]> bytes = literal(hops.get(i));
            if (bytes.isEmpty()) {
                break;
            }
            client = text(bytes.get());
            if (ranges.stream().noneMatch(range -> range.contains(bytes.get()))) {
                break;
            }
        }
        return client;
    }

    /** The bytes of an IP address literal (IPv4-mapped IPv6 becomes IPv4); empty for anything else, never DNS. */
    public static Optional<byte[]> addressBytes(String address) {
        return address == null ? Optional.empty() : literal(address);
    }

    /** One spelling per address ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike), as Tomcat writes them. */
    public static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a length other than 4 or 16
        }
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "(none)" : String.join(" ", ranges.stream().map(Range::text).toList());
    }

    /** The bytes of an address literal (IPv4-mapped IPv6 becomes IPv4); empty for anything else. */
    private static Optional<byte[]> literal(String text) {
        String address = text.trim();
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            return Optional.empty(); // a host name: InetAddress would ask DNS
        }
        if (IPV4.matcher(address).matches()
                && Arrays.stream(address.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(address).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private record Range(String text, byte[] network, int prefixBits) {

        static Optional<Range> parse(String entry) {
            int slash = entry.indexOf('/');
            Optional<byte[]> address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address.isEmpty()) {
                return Optional.empty();
            }
            int maxBits = address.get().length * 8;
            int bits = maxBits;
            if (slash >= 0) {
                String prefix = entry.substring(slash + 1);
                if (!prefix.matches("\\d{1,3}")) {
                    return Optional.empty();
                }
                bits = Integer.parseInt(prefix);
                if (bits > maxBits) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Range(entry, address.get(), bits));
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}
