package dev.echoid.echo.session;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's attributes as bytes for the store, and back. Java serialization behind an allow-list: only the
 * gateway's own session values and the JDK types they are made of can be read back, so a row written by anyone
 * else builds no other object.
 */
final class SessionAttributes {

    /** More than any session of the gateway holds (tokens and a few pending sign-ins: a few KiB). */
    static final int MAX_BYTES = 64 * 1024;
    private static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxbytes=" + MAX_BYTES + ";maxdepth=10;maxrefs=1000;maxarray=1000;"
                    + "java.util.TreeMap;java.util.ArrayList;java.lang.String;java.lang.Boolean;java.lang.Number;"
                    + "java.lang.Long;java.lang.Integer;java.time.Ser;java.time.Instant;"
                    // ArrayList reads its elements into an Object[] (an array is matched by its element type)
                    + "java.lang.Object;"
                    + "dev.echoid.echo.oidc.*;dev.echoid.echo.web.*;!*");

    private SessionAttributes() {
    }

    /** The same attributes give the same bytes (sorted by name), so an unchanged session is not written. */
    static byte[] encode(Map<String, Object> attributes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new TreeMap<>(attributes));
        } catch (IOException e) {
            throw new IllegalArgumentException("a session attribute cannot be stored: " + e.getMessage(), e);
        }
        if (bytes.size() > MAX_BYTES) {
            throw new IllegalArgumentException("a session over " + MAX_BYTES + " bytes");
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(byte[] stored) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stored)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
                // the web application's classes, whichever thread reads
                return Class.forName(desc.getName(), false, SessionAttributes.class.getClassLoader());
            }
        }) {
            in.setObjectInputFilter(ALLOWED);
            Object map = in.readObject();
            if (!(map instanceof TreeMap)) {
                throw new InvalidClassException("not a session's attributes");
            }
            return new HashMap<>((Map<String, Object>) map);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            // an unreadable row (another version's classes, a forged value) is no session
            return null;
        }
    }

    static boolean storable(Object value) {
        return value instanceof Serializable;
    }
}
