package dev.echoid.echo.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void containsWhenNoneConfiguredThenNobodyIsTrusted() {
        assertThat(TrustedProxies.parse("").contains("127.0.0.1")).isFalse();
        assertThat(TrustedProxies.none().contains("127.0.0.1")).isFalse();
    }

    @Test
    void containsWhenIpv4AddressesAndCidrsThenExactlyThoseRanges() {
        TrustedProxies proxies = TrustedProxies.parse("192.0.2.7, 10.0.0.0/8 172.16.0.0/12");
        assertThat(proxies.contains("192.0.2.7")).isTrue();
        assertThat(proxies.contains("192.0.2.8")).isFalse();
        assertThat(proxies.contains("10.200.1.1")).isTrue();
        assertThat(proxies.contains("172.31.255.255")).isTrue();
        assertThat(proxies.contains("172.32.0.0")).isFalse();
        assertThat(proxies.contains("::ffff:10.0.0.1")).as("IPv4-mapped IPv6").isTrue();
    }

    @Test
    void containsWhenIpv6AddressesAndCidrsThenExactlyThoseRanges() {
        TrustedProxies proxies = TrustedProxies.parse("::1 2001:db8::/32");
        assertThat(proxies.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(proxies.contains("2001:db8:ffff::1")).isTrue();
        assertThat(proxies.contains("2001:db9::1")).isFalse();
        assertThat(proxies.contains("127.0.0.1")).isFalse();
    }

    @Test
    void parseWhenHostNameOrBadPrefixThenRejected() {
        for (String bad : new String[] {"proxy.example", "10.0.0.0/40", "fd00::/200", "300.1.1.1"}) {
            assertThatThrownBy(() -> TrustedProxies.parse(bad)).as(bad).hasMessageContaining(bad);
        }
    }

    @Test
    void settingsWhenTrustedProxiesInvalidThenProblemNamesTheSetting() {
        Map<String, String> values = Map.of("ECHO_ISSUER", "https://id.example", "ECHO_CLIENT_ID", "echo",
                "ECHO_CLIENT_SECRET", "s", "ECHO_REDIRECT_URI", "https://gw.example/callback",
                "ECHO_TRUSTED_PROXIES", "10.0.0.1 proxy.example");
        assertThatThrownBy(() -> GatewaySettings.from(name -> Optional.ofNullable(values.get(name))))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("ECHO_TRUSTED_PROXIES")
                .hasMessageContaining("proxy.example");
    }

    @Test
    void settingsWhenTrustedProxiesSetThenRead() {
        Map<String, String> values = Map.of("ECHO_ISSUER", "https://id.example", "ECHO_CLIENT_ID", "echo",
                "ECHO_CLIENT_SECRET", "s", "ECHO_REDIRECT_URI", "https://gw.example/callback",
                "ECHO_TRUSTED_PROXIES", "10.0.0.0/8");
        GatewaySettings settings = GatewaySettings.from(name -> Optional.ofNullable(values.get(name)));
        assertThat(settings.trustedProxies().contains("10.1.2.3")).isTrue();
        assertThat(GatewaySettings.builder().issuer("https://id.example").clientId("echo").clientSecret("s")
                .redirectUri("https://gw.example/callback").build().trustedProxies().isEmpty()).isTrue();
    }

    // --- the client's address (X-Forwarded-For, Tomcat RemoteIpValve semantics) ---

    @Test
    void clientAddressWhenPeerIsNotTrustedThenXForwardedForIsIgnored() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.clientAddress("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
        assertThat(TrustedProxies.none().clientAddress("127.0.0.1", List.of("198.51.100.1")))
                .as("nobody trusted by default").isEqualTo("127.0.0.1");
    }

    @Test
    void clientAddressWhenTrustedPeerThenTheFirstUntrustedFromTheRightIsTheClient() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
        // the client wrote the first two entries; the trusted proxies appended the rest
        assertThat(proxies.clientAddress("10.0.0.1", List.of("1.2.3.4, 203.0.113.9", "198.51.100.7, 10.0.0.2")))
                .isEqualTo("198.51.100.7");
        assertThat(proxies.clientAddress("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void clientAddressWhenEveryHopIsTrustedThenTheLeftmost() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("10.9.9.9, 10.0.0.2"))).isEqualTo("10.9.9.9");
    }

    @Test
    void clientAddressWhenAnEntryIsNoAddressThenTheHopBeforeItWhateverLiesLeft() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("198.51.100.7, unknown, 10.0.0.2")))
                .isEqualTo("10.0.0.2");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("evil.example.com"))).isEqualTo("10.0.0.1");
        assertThat(proxies.clientAddress("10.0.0.1", List.of("<script>"))).isEqualTo("10.0.0.1");
    }

    @Test
    void clientAddressWhenIpv6ThenOneSpellingPerAddress() {
        TrustedProxies proxies = TrustedProxies.parse("::1");
        assertThat(proxies.clientAddress("0:0:0:0:0:0:0:1", List.of("2001:DB8::7")))
                .isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(proxies.clientAddress("::1", List.of("[2001:db8::7]"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }
}
