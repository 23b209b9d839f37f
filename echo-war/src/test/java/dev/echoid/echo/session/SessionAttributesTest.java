package dev.echoid.echo.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.echoid.echo.oidc.CodeVerifier;
import dev.echoid.echo.oidc.PendingAuthorization;
import dev.echoid.echo.oidc.PendingAuthorizations;
import dev.echoid.echo.oidc.SessionTokens;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SessionAttributesTest {

    @Test
    void sessionValuesWhenEncodedThenDecodeToEqualValues() {
        PendingAuthorizations pending = new PendingAuthorizations();
        pending.add(new PendingAuthorization("state", "nonce", new CodeVerifier("v".repeat(43)), "/", Instant.now()));
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(PendingAuthorizations.SESSION_ATTRIBUTE, pending);
        attributes.put(SessionTokens.SESSION_ATTRIBUTE, new SessionTokens("id", "access", "refresh", true));
        attributes.put("form", "token");
        Map<String, Object> back = SessionAttributes.decode(SessionAttributes.encode(attributes));
        assertThat(back).isNotNull();
        assertThat(back.get(SessionTokens.SESSION_ATTRIBUTE)).isEqualTo(attributes.get(SessionTokens.SESSION_ATTRIBUTE));
        assertThat(((PendingAuthorizations) back.get(PendingAuthorizations.SESSION_ATTRIBUTE)).take("state",
                Instant.now())).isPresent();
    }

    @Test
    void sameAttributesGiveSameBytes() {
        Map<String, Object> a = new HashMap<>(Map.of("b", "2", "a", "1"));
        assertThat(SessionAttributes.encode(a)).isEqualTo(SessionAttributes.encode(new HashMap<>(Map.of("a", "1",
                "b", "2"))));
    }

    /** Not a class of the gateway's sessions: a row holding one builds nothing (the gadget-chain defence). */
    static final class Foreign implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void rowWithAForeignClassDecodesToNoSession() throws Exception {
        TreeMap<String, Object> map = new TreeMap<>();
        map.put("x", new java.util.HashSet<>(java.util.List.of("a")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(map);
        }
        assertThat(SessionAttributes.decode(bytes.toByteArray())).isNull();
        assertThat(SessionAttributes.decode(new byte[] {1, 2, 3})).isNull();
    }
}
