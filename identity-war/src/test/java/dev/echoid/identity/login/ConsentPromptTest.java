package dev.echoid.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.identity.protocol.AuthorizationRequest;
import dev.echoid.identity.protocol.Scope;
import dev.echoid.identity.store.Client;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decisions of OIDC Core §11 and of the consent form's POST, without a container. */
class ConsentPromptTest {

    private static final URI ISSUER = URI.create("https://login.example.com:8443/identity");
    private final ConsentPrompt prompt = new ConsentPrompt(null, null, null, null, Clock.systemUTC());

    @Test
    void screenWhenThirdPartyAsksOfflineAccessWithoutPromptConsentThenDroppedAndNoPage() {
        AuthorizationRequest asked = request("openid offline_access profile", null);
        AuthorizationRequest screened = prompt.screen(asked, client(false));
        assertThat(screened.scope().values()).containsExactly("openid", "profile");
        assertThat(screened.loginId()).isEqualTo(asked.loginId());
        assertThat(prompt.isRequired(screened, client(false))).isFalse();
        // prompt=login is no consent either
        assertThat(prompt.screen(request("openid offline_access", "login"), client(false)).scope()
                .contains(Scope.OFFLINE_ACCESS)).isFalse();
    }

    @Test
    void screenWhenPromptConsentOrFirstPartyThenOfflineAccessKept() {
        AuthorizationRequest consent = prompt.screen(request("openid offline_access", "login consent"), client(false));
        assertThat(consent.scope().contains(Scope.OFFLINE_ACCESS)).isTrue();
        assertThat(prompt.isRequired(consent, client(false))).isTrue();

        AuthorizationRequest firstParty = prompt.screen(request("openid offline_access", null), client(true));
        assertThat(firstParty.scope().contains(Scope.OFFLINE_ACCESS)).isTrue();
        assertThat(prompt.isRequired(firstParty, client(true))).as("no page for a first-party client").isFalse();
        assertThat(prompt.isRequired(request("openid", "consent"), client(true)))
                .as("prompt=consent shows the page to anyone's users").isTrue();
    }

    @Test
    void screenWhenPromptNoneThenKeptSoThatConsentRequiredCanBeAnswered() {
        AuthorizationRequest silent = prompt.screen(request("openid offline_access", "none"), client(false));
        assertThat(silent.scope().contains(Scope.OFFLINE_ACCESS)).isTrue();
        assertThat(prompt.isRequired(silent, client(false))).isTrue();
        assertThat(prompt.isRequired(request("openid", "none"), client(false))).isFalse();
    }

    @Test
    void promptsWhenValueIsPartOfAnotherThenNotMatched() {
        assertThat(request("openid", "consent").prompts("consent")).isTrue();
        assertThat(request("openid", "login consent").prompts("consent")).isTrue();
        assertThat(request("openid", "login").prompts("consent")).isFalse();
        assertThat(request("openid", null).prompts("none")).isFalse();
    }

    private static AuthorizationRequest request(String scope, String prompt) {
        return new AuthorizationRequest("app", URI.create("https://app.example/cb"), Scope.parse(scope), "s", "n",
                null, prompt, null, "login-1");
    }

    private static Client client(boolean firstParty) {
        return new Client("app", "App", "hash", List.of(URI.create("https://app.example/cb")), true,
                Set.of(Client.AUTHORIZATION_CODE, Client.REFRESH_TOKEN), List.of(), null, "RS256", false, firstParty);
    }
}
