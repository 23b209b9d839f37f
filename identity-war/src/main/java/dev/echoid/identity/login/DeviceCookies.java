package dev.echoid.identity.login;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OWASP's device cookies: a browser that signed in as a user gets a signed cookie naming that user, and from then on
 * its password attempts for that user are counted against the cookie alone, so nobody else's failures lock it out.
 * Each entry is {@code nonce.mac}, the MAC an HMAC-SHA-256 over the canonical user name and the nonce; a browser keeps
 * the entries of its last few users, newest first. Nothing is stored on the server.
 *
 * @see <a href="https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies">OWASP</a>
 */
public final class DeviceCookies {

    public static final String COOKIE = "IDENTITY_DEVICE";
    /** Browsers cap a cookie's life near 400 days (RFC 6265bis §5.6.1): ask for that. */
    static final int MAX_AGE_SECONDS = 400 * 24 * 3600;
    /** The users a shared browser is remembered for. */
    static final int MAX_ENTRIES = 5;
    private static final String INFO = "echoid device cookie v1";
    private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;
    private final boolean secure;

    /**
     * @param key    the HMAC key (32 bytes)
     * @param secure the cookie's {@code Secure} attribute (outside dev mode)
     */
    public DeviceCookies(byte[] key, boolean secure) {
        this.key = key.clone();
        this.secure = secure;
    }

    /**
     * The key derived from {@code IDENTITY_KEY_ENCRYPTION_KEY} (HMAC of it over a fixed label), so every node and
     * every restart accepts the same cookies; without it a random key per start: known browsers become new ones at
     * each restart, which costs them their own allowance, nothing else.
     */
    public static DeviceCookies of(Optional<byte[]> keyEncryptionKey, boolean secure) {
        byte[] key;
        if (keyEncryptionKey.isPresent()) {
            key = hmac(keyEncryptionKey.get(), INFO.getBytes(StandardCharsets.UTF_8));
        } else {
            key = new byte[32];
            RANDOM.nextBytes(key);
            if (secure) {
                System.getLogger(DeviceCookies.class.getName()).log(System.Logger.Level.WARNING,
                        "IDENTITY_KEY_ENCRYPTION_KEY is not set: device cookies are signed with a key of this start "
                                + "and this node only");
            }
        }
        return new DeviceCookies(key, secure);
    }

    /** What the browser of this request presents: its address and device cookie. */
    public static ClientDevice presented(HttpServletRequest request) {
        String value = null;
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    value = cookie.getValue();
                }
            }
        }
        return new ClientDevice(request.getRemoteAddr(), value);
    }

    /** The device id (nonce) of the cookie's entry for this (canonical) user, when one is genuine. */
    public Optional<String> device(String canonicalUser, String cookie) {
        for (String entry : entries(cookie)) {
            String nonce = entry.substring(0, entry.indexOf('.'));
            if (MessageDigest.isEqual(entry.getBytes(StandardCharsets.US_ASCII),
                    entry(canonicalUser, nonce).getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(nonce);
            }
        }
        return Optional.empty();
    }

    /**
     * After a sign-in: a new entry for the user (a new nonce, so the device's count starts afresh), first in the
     * cookie, replacing the user's older one and pushing out the oldest beyond {@value #MAX_ENTRIES}.
     */
    public void remember(String username, HttpServletRequest request, HttpServletResponse response) {
        String user = UserName.canonical(username);
        Cookie cookie = new Cookie(COOKIE, withNewEntry(user, presented(request).deviceCookie()));
        cookie.setPath(request.getContextPath().isEmpty() ? "/" : request.getContextPath());
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setMaxAge(MAX_AGE_SECONDS);
        // sent along on a top-level navigation to the login page, never on a cross-site subrequest
        cookie.setAttribute("SameSite", "Lax");
        response.addCookie(cookie);
    }

    /** The cookie value once {@code canonicalUser} signed in (package-private for tests). */
    String withNewEntry(String canonicalUser, String cookie) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        List<String> kept = new ArrayList<>();
        kept.add(entry(canonicalUser, Base64.getUrlEncoder().withoutPadding().encodeToString(nonce)));
        Optional<String> old = device(canonicalUser, cookie);
        for (String entry : entries(cookie)) {
            if (kept.size() < MAX_ENTRIES && (old.isEmpty() || !entry.startsWith(old.get() + "."))) {
                kept.add(entry);
            }
        }
        return String.join("~", kept);
    }

    private String entry(String canonicalUser, String nonce) {
        byte[] user = canonicalUser.getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[user.length + 1 + nonce.length()];
        System.arraycopy(user, 0, message, 0, user.length);
        // a separator that no user name contains: (user, nonce) pairs cannot be re-split into others
        message[user.length] = 0;
        System.arraycopy(nonce.getBytes(StandardCharsets.US_ASCII), 0, message, user.length + 1, nonce.length());
        return nonce + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, message));
    }

    /** The well-formed entries of a cookie value, at most {@value #MAX_ENTRIES}; anything else is ignored. */
    private static List<String> entries(String cookie) {
        List<String> entries = new ArrayList<>();
        if (cookie == null || cookie.length() > MAX_ENTRIES * 70) {
            return entries;
        }
        for (String entry : cookie.split("~")) {
            if (entries.size() < MAX_ENTRIES && ENTRY.matcher(entry).matches()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
