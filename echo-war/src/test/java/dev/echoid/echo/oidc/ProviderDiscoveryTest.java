package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderDiscoveryTest {

    private static final URI DISCOVERY = URI.create(FakeProvider.ISSUER + "/.well-known/openid-configuration");

    @Test
    void discoveryUriWhenIssuerHasTrailingSlashThenSlashNotDoubled() {
        assertThat(ProviderMetadata.discoveryUri("https://op.example/realm/"))
                .isEqualTo(URI.create("https://op.example/realm/.well-known/openid-configuration"));
        assertThat(ProviderMetadata.discoveryUri("https://op.example"))
                .isEqualTo(URI.create("https://op.example/.well-known/openid-configuration"));
    }

    @Test
    void metadataWhenIssuerDiffersThenRefused() {
        FakeProvider provider = new FakeProvider().discovery("https://evil.example/realm", List.of("RS256"));

        assertThatThrownBy(() -> new ProviderDiscovery(FakeProvider.ISSUER, provider).metadata())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("issuer");
    }

    @Test
    void metadataWhenIssuerDiffersOnlyByTrailingSlashThenRefused() {
        FakeProvider provider = new FakeProvider().discovery(FakeProvider.ISSUER + "/", List.of("RS256"));

        assertThatThrownBy(() -> new ProviderDiscovery(FakeProvider.ISSUER, provider).metadata())
                .isInstanceOf(ProviderException.class);
    }

    @Test
    void metadataWhenFetchFailsThenRetriedOnNextCallAndCachedAfterSuccess() {
        FakeProvider provider = new FakeProvider();
        ProviderDiscovery discovery = new ProviderDiscovery(FakeProvider.ISSUER, provider);

        assertThatThrownBy(discovery::metadata).isInstanceOf(ProviderException.class);
        provider.discovery(FakeProvider.ISSUER, List.of("RS256"));
        ProviderMetadata metadata = discovery.metadata();
        discovery.metadata();

        assertThat(metadata.tokenEndpoint()).isEqualTo(URI.create(FakeProvider.ISSUER + "/token"));
        assertThat(metadata.endSession()).isEmpty();
        assertThat(provider.fetches(DISCOVERY)).isEqualTo(2);
    }

    @Test
    void metadataWhenRequiredEndpointMissingThenRefused() {
        FakeProvider provider = new FakeProvider().serve(DISCOVERY, Map.of("issuer", FakeProvider.ISSUER,
                "authorization_endpoint", FakeProvider.ISSUER + "/authorize",
                "id_token_signing_alg_values_supported", List.of("RS256")));

        assertThatThrownBy(() -> new ProviderDiscovery(FakeProvider.ISSUER, provider).metadata())
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("token_endpoint");
    }
}
