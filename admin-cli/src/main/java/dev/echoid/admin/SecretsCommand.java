package dev.echoid.admin;

import dev.echoid.identity.config.IdentitySettings;
import dev.echoid.identity.security.Sealer;
import dev.echoid.identity.store.AuditEvent;
import dev.echoid.identity.store.JdbcSealedSecrets;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code identity-admin secrets seal}: seals, with {@code IDENTITY_KEY_ENCRYPTION_KEY}, the signing keys and TOTP
 * secrets stored in plain form (written in dev mode, or before the key was set), which the provider refuses once its
 * key is set.
 */
@Command(name = "secrets", description = "Seal the secrets stored in the database (signing keys, TOTP secrets).")
final class SecretsCommand implements Runnable {

    @ParentCommand
    IdentityAdmin root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: seal");
    }

    @Command(name = "seal", description = {
        "Seals every signing key and TOTP secret stored unsealed with IDENTITY_KEY_ENCRYPTION_KEY (the provider's), "
                + "in one transaction; values already sealed are checked to open with that key and left as they are.",
        "Run it once before starting a provider with a new IDENTITY_KEY_ENCRYPTION_KEY on an existing database; "
                + "running it again changes nothing. Recorded in the audit trail."})
    int seal() {
        Optional<byte[]> key = IdentitySettings.keyEncryptionKey(root.environment.settings());
        if (key.isEmpty()) {
            throw new Unavailable(IdentitySettings.KEY_ENCRYPTION_KEY + " is not set: nothing to seal with (give the "
                    + "provider's key)", null);
        }
        // the audit trail is ready before anything changes, so no sealing goes unrecorded
        root.environment.auditLog();
        JdbcSealedSecrets.Count sealed;
        try {
            sealed = new JdbcSealedSecrets(root.environment.dataSource())
                    .sealAll(Sealer.forSigningKeys(key), Sealer.forTotpSecrets(key));
        } catch (IllegalStateException e) {
            throw new Unavailable("nothing sealed: " + e.getMessage() + " (is " + IdentitySettings.KEY_ENCRYPTION_KEY
                    + " the provider's?)", e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (sealed.none()) {
            out.println("nothing to seal: every signing key and TOTP secret is sealed with this key");
            return ExitStatus.OK;
        }
        String what = count(sealed.signingKeys(), "signing key") + " and " + count(sealed.totpSecrets(), "TOTP secret");
        root.environment.audit(AuditEvent.Type.SECRETS_SEALED, null, null, null,
                "sealed " + what + " with " + IdentitySettings.KEY_ENCRYPTION_KEY);
        out.println("sealed " + what + " with " + IdentitySettings.KEY_ENCRYPTION_KEY);
        return ExitStatus.OK;
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
