package dev.echoid.identity.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A public JSON document rendered once: its bytes and a strong entity tag (RFC 9110 §8.8.3) derived from them, so
 * that a relying party revalidating its copy gets {@code 304} and the same document always gets the same tag, on
 * every node.
 *
 * @param source what it was rendered from (kept to tell whether a newer source needs a new rendering)
 */
record JsonDocument(Object source, byte[] body, String etag) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonDocument of(Object source) {
        try {
            byte[] body = JSON.writeValueAsBytes(source);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String tag = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
            return new JsonDocument(source, body, "\"" + tag + "\"");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /**
     * Whether an {@code If-None-Match} header names this document (RFC 9110 §13.1.2: the weak comparison, {@code *}
     * matches any); null or unreadable names nothing.
     */
    boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
