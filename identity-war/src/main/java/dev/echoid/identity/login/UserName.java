package dev.echoid.identity.login;

import java.text.Normalizer;
import java.util.Locale;

/**
 * A user name as the provider looks it up and counts it: one canonical form, so that {@code ＡＬＩＣＥ} (full width),
 * {@code Alice} and {@code alice} are one name to the lockout, the audit trail and the user table alike.
 */
public final class UserName {

    private UserName() {
    }

    /**
     * NFKC (compatibility forms such as full-width letters and ligatures become their plain twins), then case
     * folding, then NFKC again, as Unicode's NFKC_Casefold; surrounding white space goes. The case folding is upper
     * then lower case (ß becomes ss, ς becomes σ): the JDK has no full case folding of its own.
     */
    public static String canonical(String name) {
        if (name == null) {
            return "";
        }
        String compatible = Normalizer.normalize(name, Normalizer.Form.NFKC).strip();
        String folded = compatible.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return Normalizer.normalize(folded, Normalizer.Form.NFKC);
    }
}
