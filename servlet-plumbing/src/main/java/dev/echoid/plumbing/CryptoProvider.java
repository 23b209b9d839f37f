package dev.echoid.plumbing;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The JCA provider that signs and verifies (the provider's tokens, the gateway's checks of them) and reads keys:
 * Amazon Corretto Crypto Provider (AWS-LC, native) when this WAR carries it for the platform and it passes its
 * self-tests, otherwise the JDK's providers.
 *
 * <p>It is never installed in {@link java.security.Security}: that list is JVM-global, so a provider installed from
 * this web application would serve every other application in the container and keep this one's class loader alive
 * after undeploy. This WAR holds its own provider object and names it on each {@code getInstance}.
 */
public final class CryptoProvider {

    public static final String NATIVE_PROVIDER_NAME = "AmazonCorrettoCryptoProvider";

    private static final Logger LOG = System.getLogger(CryptoProvider.class.getName());
    private static final CryptoProvider JDK = new CryptoProvider(null, "the JDK's providers");

    /** Loaded at most once per class loader: ACCP's native library is bound to the class loader that loaded it. */
    private static final class Preferred {
        static final CryptoProvider INSTANCE = select(true, CryptoProvider::loadNative);
    }

    private final Provider provider;
    private final String description;

    private CryptoProvider(Provider provider, String description) {
        this.provider = provider;
        this.description = description;
    }

    /** The JDK's installed providers (SunRsaSign, SunEC, ...), whatever is present. */
    public static CryptoProvider jdk() {
        return JDK;
    }

    /** The native provider when it loads and passes its self-tests, else {@link #jdk()}. */
    public static CryptoProvider preferred() {
        return Preferred.INSTANCE;
    }

    /**
     * As {@code setting} ({@code IDENTITY_NATIVE_CRYPTO}, {@code ECHO_NATIVE_CRYPTO}) says: {@link #preferred()}
     * unless it is {@code false}, which keeps the JDK's providers even where the native one is available.
     *
     * @throws InvalidSettingException naming {@code setting} when it is neither {@code true} nor {@code false}
     */
    public static CryptoProvider from(SettingsSource source, String setting) {
        String value = source.get(setting).orElse("true").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true":
                return preferred();
            case "false":
                LOG.log(Level.INFO, "{0}=false: using {1}", setting, JDK.description);
                return JDK;
            default:
                throw new InvalidSettingException(setting, "must be true or false, not " + value);
        }
    }

    /**
     * The native provider from {@code nativeProvider} when wanted and it loads, else the JDK's; a failure to load
     * (no library for this platform, a failed self-test, a {@code noexec} temporary directory) is logged, not fatal.
     */
    static CryptoProvider select(boolean nativeWanted, Supplier<Provider> nativeProvider) {
        if (!nativeWanted) {
            return JDK;
        }
        try {
            Provider loaded = nativeProvider.get();
            return new CryptoProvider(loaded, loaded.getName() + " " + loaded.getVersionStr() + " (native)");
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "The native crypto provider is not usable here ({0}); using {1}", e.toString(),
                    JDK.description);
            return JDK;
        }
    }

    /** ACCP's singleton once it reports no loading error and a healthy self-test. */
    static Provider loadNative() {
        return NativeLoader.load();
    }

    /** Apart, so that a class path without ACCP fails here (NoClassDefFoundError, caught), not in this class. */
    private static final class NativeLoader {
        static Provider load() {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable error = accp.getLoadingError();
            if (error != null) {
                throw new IllegalStateException("native library not loaded: " + error, error);
            }
            accp.assertHealthy();
            return accp;
        }
    }

    public boolean isNative() {
        return provider != null;
    }

    /** What signs or verifies, for the start-up log. */
    public String description() {
        return description;
    }

    public Signature signature(String algorithm) throws NoSuchAlgorithmException {
        return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
    }

    public KeyFactory keyFactory(String algorithm) throws NoSuchAlgorithmException {
        return provider == null ? KeyFactory.getInstance(algorithm) : KeyFactory.getInstance(algorithm, provider);
    }

    public KeyPairGenerator keyPairGenerator(String algorithm) throws NoSuchAlgorithmException {
        return provider == null ? KeyPairGenerator.getInstance(algorithm)
                : KeyPairGenerator.getInstance(algorithm, provider);
    }

    @Override
    public String toString() {
        return description;
    }
}
