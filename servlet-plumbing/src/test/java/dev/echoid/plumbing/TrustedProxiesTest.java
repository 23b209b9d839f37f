package dev.echoid.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private static final String NAME = "IDENTITY_TRUSTED_PROXIES";

    @Test
    void containsWhenNoneConfiguredThenNobodyIsTrusted() {
        assertThat(TrustedProxies.parse(NAME, "").contains("127.0.0.1")).isFalse();
        assertThat(TrustedProxies.none().contains("127.0.0.1")).isFalse();
    }

    @Test
    void containsWhenIpv4AddressesAndCidrsThenExactlyThoseRanges() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "192.0.2.7, 10.0.0.0/8 172.16.0.0/12");
        assertThat(proxies.contains("192.0.2.7")).isTrue();
        assertThat(proxies.contains("192.0.2.8")).isFalse();
        assertThat(proxies.contains("10.200.1.1")).isTrue();
        assertThat(proxies.contains("172.31.255.255")).isTrue();
        assertThat(proxies.contains("172.32.0.0")).isFalse();
        assertThat(proxies.contains("::ffff:10.0.0.1")).as("IPv4-mapped IPv6").isTrue();
    }

    @Test
    void containsWhenIpv6AddressesAndCidrsThenExactlyThoseRanges() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "::1 2001:db8::/32");
        assertThat(proxies.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(proxies.contains("2001:db8:ffff::1")).isTrue();
        assertThat(proxies.contains("2001:db9::1")).isFalse();
        assertThat(proxies.contains("127.0.0.1")).isFalse();
    }

    @Test
    void containsWhenSingleAddressesThenExactMatchOnly() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.1.2.3, 192.168.0.9 ::1");
        assertThat(proxies.contains("10.1.2.3")).isTrue();
        assertThat(proxies.contains("192.168.0.9")).isTrue();
        assertThat(proxies.contains("10.1.2.4")).isFalse();
        assertThat(proxies.contains("0:0:0:0:0:0:0:1")).as("Tomcat's spelling of ::1").isTrue();
        assertThat(proxies.contains("::2")).isFalse();
    }

    @Test
    void containsWhenIpv4CidrThenWholeRangeAndNothingOutside() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.0.0.0/8 172.16.0.0/12 192.168.1.128/25");
        assertThat(proxies.contains("10.255.255.255")).isTrue();
        assertThat(proxies.contains("11.0.0.0")).isFalse();
        assertThat(proxies.contains("172.31.0.1")).isTrue();
        assertThat(proxies.contains("172.32.0.1")).isFalse();
        assertThat(proxies.contains("192.168.1.128")).isTrue();
        assertThat(proxies.contains("192.168.1.127")).isFalse();
    }

    @Test
    void containsWhenIpv6CidrThenRangeAndIpv4DoesNotMatchIt() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "fd00::/8,2001:db8:1::/48");
        assertThat(proxies.contains("fd12:3456::1")).isTrue();
        assertThat(proxies.contains("fe80::1")).isFalse();
        assertThat(proxies.contains("2001:db8:1:ffff::1")).isTrue();
        assertThat(proxies.contains("2001:db8:2::1")).isFalse();
        assertThat(proxies.contains("10.0.0.1")).isFalse();
        assertThat(proxies.contains("fd00::1%eth0")).as("a zone id is not part of the address").isTrue();
    }

    @Test
    void containsWhenIpv4MappedIpv6ThenMatchesIpv4Entry() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "127.0.0.1");
        assertThat(proxies.contains("::ffff:127.0.0.1")).isTrue();
    }

    @Test
    void containsWhenZeroPrefixThenEverythingOfThatFamily() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "0.0.0.0/0");
        assertThat(proxies.contains("203.0.113.7")).isTrue();
        assertThat(proxies.contains("2001:db8::1")).isFalse();
    }

    @Test
    void containsWhenRemoteAddressIsNotALiteralThenFalse() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "0.0.0.0/0");
        assertThat(proxies.contains("localhost")).isFalse();
        assertThat(proxies.contains("")).isFalse();
        assertThat(proxies.contains(null)).isFalse();
    }

    @Test
    void parseWhenHostNameOrBadPrefixThenRejectedNamingTheSetting() {
        for (String bad : new String[] {"proxy.example", "10.0.0.0/33", "::1/129", "10.0.0.256", "10.0.0.0/", "1.2.3",
                "10.0.0.0/40", "fd00::/200", "300.1.1.1"}) {
            assertThatThrownBy(() -> TrustedProxies.parse(NAME, bad)).as(bad)
                    .isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("IDENTITY_TRUSTED_PROXIES ")
                    .hasMessageContaining(bad);
        }
    }

    // --- the client's address (X-Forwarded-For, Tomcat RemoteIpValve semantics) ---

    @Test
    void clientAddressWhenPeerIsNotTrustedThenXForwardedForIsIgnored() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.0.0.0/8");
        assertThat(proxies.clientAddress("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.none().clientAddress("127.0.0.1", List.of("198.51.100.1")))
                .as("nobody trusted by default").isEqualTo("127.0.0.1");
    }

    @Test
    void clientAddressWhenTrustedPeerThenTheFirstUntrustedFromTheRightIsTheClient() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
        // the client wrote the first two entries; the trusted proxies appended the rest
        assertThat(proxies.clientAddress("10.0.0.1", List.of("1.2.3.4, 203.0.113.9", "198.51.100.7, 10.0.0.2")))
                .isEqualTo("198.51.100.7");
        assertThat(proxies.clientAddress("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void clientAddressWhenEveryHopIsTrustedThenTheLeftmost() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("10.9.9.9, 10.0.0.2"))).isEqualTo("10.9.9.9");
    }

    @Test
    void clientAddressWhenAnEntryIsNoAddressThenTheHopBeforeItWhateverLiesLeft() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("198.51.100.7, unknown, 10.0.0.2")))
                .isEqualTo("10.0.0.2");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("evil.example.com"))).isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("<script>"))).isEqualTo("10.0.0.1");
    }

    @Test
    void clientAddressWhenIpv6ThenOneSpellingPerAddress() {
        TrustedProxies proxies = TrustedProxies.parse(NAME, "::1");
        assertThat(proxies.clientAddress("0:0:0:0:0:0:0:1", List.of("2001:DB8::7")))
                .isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(proxies.clientAddress("::1", List.of("[2001:db8::7]"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }
}
