#!/bin/sh
# $CATALINA_BASE/bin/setenv.sh for EchoID. Tomcat sources this file at start-up.
# Real values come from the service's environment (systemd EnvironmentFile=, a secret store, ...), never from git.

# Let ${NAME} in conf/ files (conf/Catalina/localhost/identity.xml, copied from context.xml) read environment variables.
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.tomcat.util.digester.PROPERTY_SOURCE=org.apache.tomcat.util.digester.EnvironmentPropertySource"

# Keep start-up fast: SecureRandom seeding from the kernel's non-blocking source.
CATALINA_OPTS="$CATALINA_OPTS -Djava.security.egd=file:/dev/./urandom"

# Memory bound (README: Operations, Memory): both WARs in one JVM stay within 512 MiB of RSS with these. Raise
# -Xmx only with the measurement (benchmarks/, -Dbench.server.heap=...) that shows the RSS targets still hold.
CATALINA_OPTS="$CATALINA_OPTS -Xms32m -Xmx192m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC -XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=64m"
CATALINA_OPTS="$CATALINA_OPTS -XX:MaxDirectMemorySize=32m -Xss512k"
# glibc's per-thread malloc arenas would otherwise grow native memory with the thread count
MALLOC_ARENA_MAX=2
export MALLOC_ARENA_MAX

# Required for identity-war (see the README's configuration table):
#   IDENTITY_ISSUER=https://login.example.com/identity
#   IDENTITY_DB_URL=jdbc:postgresql://db.example.com:5432/identity
#   IDENTITY_DB_USER=identity
#   IDENTITY_DB_PASSWORD=...
#   IDENTITY_KEY_ENCRYPTION_KEY=...   # seals signing keys and TOTP secrets at rest
#   IDENTITY_AUDIT_KEY=...            # keys the audit trail's hash chain (HMAC-SHA-256)
#   IDENTITY_CLIENT_SECRET_KEY=...    # keys the HMAC of client secrets; the same on every node
# Outside dev mode the provider does not start without these three keys. Generate each once
# (openssl rand -base64 32), keep them in a secrets file readable by Tomcat's user only, or in a secret store, and
# back them up apart from the database: they are never in it, never in git; without them the sealed keys cannot be
# read, the trail cannot be verified and no client secret verifies. For example, with systemd:
# EnvironmentFile=/etc/echoid/secrets.env (mode 0600), or here:
#   [ -r /etc/echoid/secrets.env ] && . /etc/echoid/secrets.env \
#     && export IDENTITY_KEY_ENCRYPTION_KEY IDENTITY_AUDIT_KEY IDENTITY_CLIENT_SECRET_KEY
# Required for echo-war:
#   ECHO_ISSUER, ECHO_CLIENT_ID, ECHO_CLIENT_SECRET, ECHO_REDIRECT_URI
export CATALINA_OPTS
