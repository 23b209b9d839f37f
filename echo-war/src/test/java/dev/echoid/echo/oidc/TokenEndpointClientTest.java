package dev.echoid.echo.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenEndpointClientTest {

    @Test
    void basicAuthorizationWhenCredentialsHaveReservedCharactersThenEachFormEncodedBeforeBase64() {
        String header = TokenEndpointClient.basicAuthorization("my:client", "s3cr3t+/= é");

        String decoded = new String(Base64.getDecoder().decode(header.substring("Basic ".length())),
                StandardCharsets.US_ASCII);
        assertThat(header).startsWith("Basic ");
        assertThat(decoded).isEqualTo("my%3Aclient:s3cr3t%2B%2F%3D+%C3%A9");
    }
}
