package dev.echoid.identity.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing ({@link Argon2id}: libargon2 where it loads, else BouncyCastle), in the PHC string format so that the algorithm and its parameters are
 * stored beside each hash: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. The default cost is OWASP's current
 * minimum for Argon2id (m = 19 MiB, t = 2, p = 1). For human passwords (and client secrets stored before they became
 * HMACs): every computation runs within the {@link HashingBudget}, which bounds the memory and CPU hashing may take.
 */
public final class PasswordHasher {

    /** Bounds the work one request can cause; longer inputs are rejected before hashing. */
    public static final int MAX_LENGTH = 1024;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    private final HashingBudget budget;
    private final Argon2id argon2id;
    private final String dummyHash;

    /** Without a budget: for tools in their own process and for tests. */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this(memoryKib, iterations, parallelism, HashingBudget.unbounded());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingBudget budget) {
        this(memoryKib, iterations, parallelism, budget, Argon2id.preferred());
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism, HashingBudget budget, Argon2id argon2id) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.budget = budget;
        this.argon2id = argon2id;
        this.dummyHash = hash("not a real password: equalises timing for unknown users");
    }

    public static PasswordHasher owaspDefault() {
        return owaspDefault(HashingBudget.unbounded());
    }

    /** OWASP's parameters, every computation within {@code budget}. */
    public static PasswordHasher owaspDefault(HashingBudget budget) {
        return owaspDefault(budget, Argon2id.preferred());
    }

    /** OWASP's parameters, every computation within {@code budget}, by {@code argon2id}. */
    public static PasswordHasher owaspDefault(HashingBudget budget, Argon2id argon2id) {
        return new PasswordHasher(19 * 1024, 2, 1, budget, argon2id);
    }

    /** Which Argon2id implementation computes. */
    public Argon2id argon2id() {
        return argon2id;
    }

    /** The memory one computation holds while it runs, in KiB. */
    public int memoryKib() {
        return memoryKib;
    }

    public String hash(String password) {
        byte[] salt = RandomTokens.bytes(16);
        byte[] hash = derive(null, password, salt, memoryKib, iterations, parallelism, 32);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Constant-time check of a password against a stored PHC string; false for anything malformed or too long.
     *
     * @throws HashingBudget.Exhausted when the hashing budget has no room for it
     */
    public boolean verify(String password, String stored) {
        return verify(password, stored, null);
    }

    /**
     * As {@link #verify(String, String)}, within the share of the hashing budget that {@code source} may hold
     * ({@link HashingBudget#run(String, java.util.function.Supplier)}); null: the whole budget.
     */
    public boolean verify(String password, String stored, String source) {
        if (password == null || stored == null || password.length() > MAX_LENGTH) {
            return false;
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches()) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(source, password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** True when the stored hash was made with other parameters (or another algorithm) than today's. */
    public boolean needsRehash(String stored) {
        Matcher m = stored == null ? null : PHC.matcher(stored);
        return m == null || !m.matches() || Integer.parseInt(m.group(1)) != memoryKib
                || Integer.parseInt(m.group(2)) != iterations || Integer.parseInt(m.group(3)) != parallelism;
    }

    /** Spends the same time as a real verification, for an account that does not exist. */
    public void verifyDummy(String password) {
        verifyDummy(password, null);
    }

    /** As {@link #verifyDummy(String)}, within {@code source}'s share of the budget (null: the whole budget). */
    public void verifyDummy(String password, String source) {
        verify(password == null ? "" : password, dummyHash, source);
    }

    // the one place Argon2id runs: within the budget
    private byte[] derive(String source, String password, byte[] salt, int memoryKib, int iterations,
            int parallelism, int length) {
        return budget.run(source, () -> argon2id.derive(password.getBytes(StandardCharsets.UTF_8), salt, memoryKib,
                iterations, parallelism, length));
    }
}
