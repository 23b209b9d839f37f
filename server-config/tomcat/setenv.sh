#!/bin/sh
# $CATALINA_BASE/bin/setenv.sh for EchoID. Tomcat sources this file at start-up.
# Real values come from the service's environment (systemd EnvironmentFile=, a secret store, ...), never from git.

# Let ${NAME} in conf/ files (conf/Catalina/localhost/identity.xml, copied from context.xml) read environment variables.
CATALINA_OPTS="$CATALINA_OPTS -Dorg.apache.tomcat.util.digester.PROPERTY_SOURCE=org.apache.tomcat.util.digester.EnvironmentPropertySource"

# Keep start-up fast: SecureRandom seeding from the kernel's non-blocking source.
CATALINA_OPTS="$CATALINA_OPTS -Djava.security.egd=file:/dev/./urandom"

# Required for identity-war (see the README's configuration table):
#   IDENTITY_ISSUER=https://login.example.com/identity
#   IDENTITY_DB_URL=jdbc:postgresql://db.example.com:5432/identity
#   IDENTITY_DB_USER=identity
#   IDENTITY_DB_PASSWORD=...
#   IDENTITY_CLIENT_SECRET_KEY=$(openssl rand -base64 32)    # keys the HMAC of client secrets; the same on every node
# Recommended:
#   IDENTITY_KEY_ENCRYPTION_KEY=$(openssl rand -base64 32)   # encrypts signing keys at rest; keep it safe
# Required for echo-war:
#   ECHO_ISSUER, ECHO_CLIENT_ID, ECHO_CLIENT_SECRET, ECHO_REDIRECT_URI
export CATALINA_OPTS
