package dev.echoid.admin;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.plumbing.SettingsSource;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcSigningKeyStore;
import dev.echoid.identity.token.SigningKeys;
import dev.echoid.identity.token.SigningKeys.KeyInfo;
import dev.echoid.identity.token.SigningKeys.Rotation;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code identity-admin keys ...}: the provider's signing keys, as {@link SigningKeys} manages them. */
@Command(name = "keys", description = "List and rotate the provider's signing keys.")
final class KeysCommand implements Runnable {

    @ParentCommand
    IdentityAdmin root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list or rotate");
    }

    @Command(name = "list", description = "Lists the signing keys (never a private part): kid, algorithm, status "
            + "(UPCOMING, ACTIVE, RETIRING, RETIRED), created, signs from, withdrawn at.")
    int list(@Option(names = "--json", description = "print JSON") boolean json) {
        List<KeyInfo> keys = signingKeys().keys();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (KeyInfo key : keys) {
                rows.add(row(key));
            }
            Listing.json(out, rows);
            return ExitStatus.OK;
        }
        String format = "%-43s %-5s %-8s %-27s %-27s %s%n";
        out.printf(Locale.ROOT, format, "KID", "ALG", "STATUS", "CREATED", "NOT_BEFORE", "RETIRES_AT");
        for (KeyInfo key : keys) {
            out.printf(Locale.ROOT, format, key.kid(), key.algorithm(), key.status(), key.createdAt(),
                    key.notBefore(), Objects.toString(key.retiresAt(), "-"));
        }
        return ExitStatus.OK;
    }

    @Command(name = "rotate", description = {
        "Adds a signing key for ALG: published in the JWKS now, signing after IDENTITY_KEY_PUBLISH_DELAY_SECONDS "
                + "(default 600). When an upcoming key already exists it is shown and none is added.",
        "The private key is sealed with IDENTITY_KEY_ENCRYPTION_KEY: give the provider's value (required unless "
                + "IDENTITY_DEV_MODE=true)."})
    int rotate(@Option(names = "--alg", required = true, paramLabel = "ALG",
            description = "${COMPLETION-CANDIDATES}") SigningAlgorithm algorithm) {
        if (IdentitySettings.keyEncryptionKey(root.environment.settings()).isEmpty() && !root.environment.devMode()) {
            // the provider refuses an unsealed key once its key is set: never write one outside dev mode
            throw new Unavailable(IdentitySettings.KEY_ENCRYPTION_KEY + " is not set: the new key would be stored "
                    + "unsealed (give the provider's key; IDENTITY_DEV_MODE=true for a development database)", null);
        }
        Rotation rotation = signingKeys().rotate(algorithm.name());
        KeyInfo key = rotation.key();
        PrintWriter out = spec.commandLine().getOut();
        if (rotation.added()) {
            root.environment.audit(AuditEvent.Type.SIGNING_KEY_ROTATED, null, null, null,
                    algorithm + " key " + key.kid() + " added, signs from " + key.notBefore());
            out.println("added " + key.algorithm() + " key " + key.kid() + ": published now, signs from "
                    + key.notBefore());
        } else {
            out.println("an upcoming " + key.algorithm() + " key exists, none added: " + key.kid() + " signs from "
                    + key.notBefore());
        }
        return ExitStatus.OK;
    }

    /** As the provider builds them: its publish delay, its token lifetimes, its key encryption key. */
    private SigningKeys signingKeys() {
        SettingsSource settings = root.environment.settings();
        SigningKeys keys = new SigningKeys(new JdbcSigningKeyStore(root.environment.dataSource()),
                IdentitySettings.keyEncryptionKey(settings), Clock.systemUTC(),
                IdentitySettings.KeyRotation.from(settings).publishDelay(),
                IdentitySettings.maxTokenLifetime(settings));
        try {
            keys.reload();
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage() + " (is IDENTITY_KEY_ENCRYPTION_KEY the provider's?)", e);
        }
        return keys;
    }

    private static Map<String, Object> row(KeyInfo key) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kid", key.kid());
        row.put("alg", key.algorithm());
        row.put("status", key.status().name());
        row.put("created_at", key.createdAt().toString());
        row.put("not_before", key.notBefore().toString());
        row.put("retires_at", key.retiresAt() == null ? null : key.retiresAt().toString());
        return row;
    }
}
