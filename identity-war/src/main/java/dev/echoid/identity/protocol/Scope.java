package dev.echoid.identity.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** A space-delimited set of scope tokens (RFC 6749 §3.3). */
public record Scope(Set<String> values) implements java.io.Serializable {

    public static final String OPENID = "openid";
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";
    public static final String OFFLINE_ACCESS = "offline_access";
    public static final Set<String> SUPPORTED = Set.of(OPENID, PROFILE, EMAIL, OFFLINE_ACCESS);

    // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
    private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    public Scope {
        values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    public static Scope parse(String value) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String token : value.trim().split(" +")) {
            if (!TOKEN.matcher(token).matches()) {
                throw new OAuthException(OAuthError.INVALID_SCOPE, "Malformed scope");
            }
            tokens.add(token);
        }
        return new Scope(tokens);
    }

    public static Scope of(String... values) {
        return new Scope(new LinkedHashSet<>(Arrays.asList(values)));
    }

    public boolean contains(String value) {
        return values.contains(value);
    }

    @Override
    public String toString() {
        return String.join(" ", values);
    }
}
