package dev.echoid.echo.oidc;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import dev.echoid.echo.config.InvalidSettingsException;
import dev.echoid.plumbing.SettingsSource;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The JCA provider the gateway verifies the provider's signatures with and reads its keys through: Amazon Corretto
 * Crypto Provider (AWS-LC, native) when this WAR carries it for the platform and it passes its self-tests,
 * otherwise the JDK's providers.
 *
 * <p>Never installed in {@link java.security.Security}: that list is JVM-global, so a provider installed from this
 * web application would serve every other application in the container and keep this one's class loader alive
 * after undeploy. The gateway holds its own provider object and names it on each {@code getInstance}.
 */
public final class CryptoProvider {

    /** {@code false} keeps the JDK's providers even where the native one is available. */
    public static final String NATIVE_CRYPTO = "ECHO_NATIVE_CRYPTO";
    public static final String NATIVE_PROVIDER_NAME = "AmazonCorrettoCryptoProvider";

    private static final System.Logger LOG = System.getLogger(CryptoProvider.class.getName());
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

    /** As {@link #NATIVE_CRYPTO} says: {@link #preferred()} unless it is {@code false}. */
    public static CryptoProvider from(SettingsSource source) {
        String value = source.get(NATIVE_CRYPTO).orElse("true").trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "true":
                return preferred();
            case "false":
                return JDK;
            default:
                throw new InvalidSettingsException(List.of(NATIVE_CRYPTO + " must be true or false, not " + value));
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
            LOG.log(System.Logger.Level.WARNING, "The native crypto provider is not usable here ({0}); using {1}",
                    e.toString(), JDK.description);
            return JDK;
        }
    }

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

    /** What verifies, for the start-up log. */
    public String description() {
        return description;
    }

    public Signature signature(String algorithm) throws NoSuchAlgorithmException {
        return provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
    }

    public KeyFactory keyFactory(String algorithm) throws NoSuchAlgorithmException {
        return provider == null ? KeyFactory.getInstance(algorithm) : KeyFactory.getInstance(algorithm, provider);
    }

    @Override
    public String toString() {
        return description;
    }
}
