package dev.echoid.identity.security;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import dev.echoid.plumbing.InvalidSettingException;
import dev.echoid.plumbing.SettingsSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id itself (RFC 9106, version 0x13): the raw tag of a password and a salt. Two implementations give the same
 * bytes: libargon2, the reference C implementation (through argon2-jvm and JNA), where it loads, and BouncyCastle's
 * pure Java one otherwise.
 *
 * <p>Why native first: BouncyCastle builds the m KiB of memory as m objects of 1 KiB on the Java heap for every
 * computation. They live as long as the computation does, so every young collection meanwhile copies them, promotes
 * them, and the old generation fills with them: at m = 19 MiB, in the launcher's heap, the collector cost about as
 * much CPU again as the hash (see the README, Benchmarks). libargon2 takes its memory from {@code malloc} and frees
 * (and wipes) it at the end; the {@link HashingBudget} bounds how much of it is taken at once either way.
 */
public abstract class Argon2id {

    /** {@code false} keeps BouncyCastle's Argon2id even where the native one loads. */
    public static final String NATIVE_ARGON2 = "IDENTITY_NATIVE_ARGON2";

    private static final Logger LOG = System.getLogger(Argon2id.class.getName());
    private static final Argon2id BOUNCY_CASTLE = new BouncyCastle();

    /** Loaded at most once per class loader: JNA binds the native library to the class loader that loaded it. */
    private static final class Preferred {
        static final Argon2id INSTANCE = select(true, Argon2id::loadNative);
    }

    Argon2id() {
    }

    /** The pure Java implementation: present wherever this WAR runs. */
    public static Argon2id bouncyCastle() {
        return BOUNCY_CASTLE;
    }

    /** libargon2 when it loads and computes what BouncyCastle does, else {@link #bouncyCastle()}. */
    public static Argon2id preferred() {
        return Preferred.INSTANCE;
    }

    /** As {@link #NATIVE_ARGON2} says: {@link #preferred()} unless it is {@code false}. */
    public static Argon2id from(SettingsSource source) {
        String value = source.get(NATIVE_ARGON2).orElse("true").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true":
                return preferred();
            case "false":
                LOG.log(Level.INFO, "{0}=false: Argon2id by {1}", NATIVE_ARGON2, BOUNCY_CASTLE.description());
                return BOUNCY_CASTLE;
            default:
                throw new InvalidSettingException(NATIVE_ARGON2, "must be true or false, not " + value);
        }
    }

    /**
     * The native implementation from {@code loader} when wanted, it loads and its tag equals BouncyCastle's on a
     * small input; else BouncyCastle's. A failure (no library for this platform, a {@code noexec} temporary
     * directory where JNA unpacks it, a wrong answer) is logged, not fatal.
     */
    static Argon2id select(boolean nativeWanted, Supplier<Argon2id> loader) {
        if (!nativeWanted) {
            return BOUNCY_CASTLE;
        }
        try {
            Argon2id loaded = loader.get();
            byte[] password = "self-test".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] salt = "echoid self-test".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (!Arrays.equals(loaded.derive(password, salt, 64, 2, 1, 32),
                    BOUNCY_CASTLE.derive(password, salt, 64, 2, 1, 32))) {
                throw new IllegalStateException("its tag differs from BouncyCastle's");
            }
            return loaded;
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "The native Argon2id is not usable here ({0}); using {1}", e.toString(),
                    BOUNCY_CASTLE.description());
            return BOUNCY_CASTLE;
        }
    }

    static Argon2id loadNative() {
        return NativeLoader.load();
    }

    /** Apart, so that a class path without argon2-jvm fails here (NoClassDefFoundError, caught), not in this class. */
    private static final class NativeLoader {
        static Argon2id load() {
            return new Native(Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id));
        }
    }

    /**
     * The tag of {@code password} under {@code salt}, {@code length} bytes long.
     *
     * @param memoryKib   m, in KiB
     * @param iterations  t, passes over the memory
     * @param parallelism p, lanes
     */
    public abstract byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
            int length);

    public abstract boolean isNative();

    /** Which implementation, for the start-up log. */
    public abstract String description();

    @Override
    public String toString() {
        return description();
    }

    private static final class Native extends Argon2id {

        private final Argon2Advanced argon2;

        Native(Argon2Advanced argon2) {
            this.argon2 = argon2;
        }

        @Override
        public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                int length) {
            if (password.length == 0) {
                // argon2-jvm cannot pass an empty password (JNA allocates no zero-byte memory); the same bytes from Java
                return BOUNCY_CASTLE.derive(password, salt, memoryKib, iterations, parallelism, length);
            }
            return argon2.rawHashAdvanced(iterations, memoryKib, parallelism, password, salt, null, null, length,
                    Argon2Version.V13);
        }

        @Override
        public boolean isNative() {
            return true;
        }

        @Override
        public String description() {
            return "libargon2 (native, argon2-jvm)";
        }
    }

    private static final class BouncyCastle extends Argon2id {

        @Override
        public byte[] derive(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism,
                int length) {
            Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKib)
                    .withIterations(iterations)
                    .withParallelism(parallelism)
                    .withSalt(salt)
                    .build();
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(parameters);
            byte[] out = new byte[length];
            generator.generateBytes(password, out);
            return out;
        }

        @Override
        public boolean isNative() {
            return false;
        }

        @Override
        public String description() {
            return "BouncyCastle (Java)";
        }
    }
}
