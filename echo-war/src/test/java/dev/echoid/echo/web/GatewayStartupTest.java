package dev.echoid.echo.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.echo.oidc.RelyingParty;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's start-up refuses a bad setting (503 for every request) rather than running half-configured. */
class GatewayStartupTest {

    private final Map<String, Object> attributes = new HashMap<>();

    @Test
    void startWhenLogFormatUnknownThenNotStartedLikeTheProvider() {
        start(Map.of("ECHO_LOG_FORMAT", "yaml"));

        assertThat(attributes).doesNotContainKey(RelyingParty.CONTEXT_ATTRIBUTE);
        assertThat(attributes).containsKey(SessionRegistry.CONTEXT_ATTRIBUTE);
    }

    @Test
    void startWhenLogFormatJsonThenStarted() {
        start(Map.of("ECHO_LOG_FORMAT", "json"));

        assertThat(attributes.get(RelyingParty.CONTEXT_ATTRIBUTE)).isInstanceOf(RelyingParty.class);
        ((RelyingParty) attributes.get(RelyingParty.CONTEXT_ATTRIBUTE)).close();
    }

    private void start(Map<String, String> extra) {
        Map<String, String> parameters = new HashMap<>(Map.of("ECHO_ISSUER", "https://op.example/realm",
                "ECHO_CLIENT_ID", "echo", "ECHO_CLIENT_SECRET", "s3cret", "ECHO_REDIRECT_URI",
                "http://localhost:5000/callback", "ECHO_DEV_MODE", "true"));
        parameters.putAll(extra);
        ServletContext context = (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getInitParameter" -> parameters.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "getContextPath" -> "";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        new GatewayStartup().contextInitialized(new ServletContextEvent(context));
    }
}
