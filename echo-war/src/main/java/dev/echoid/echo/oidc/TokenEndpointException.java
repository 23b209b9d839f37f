package dev.echoid.echo.oidc;

/** The token endpoint answered an RFC 6749 §5.2 error; {@link #error()} is the provider's error code. */
public final class TokenEndpointException extends ProviderException {

    private static final long serialVersionUID = 1L;

    private final String error;

    public TokenEndpointException(int status, String error, String description) {
        super("token endpoint answered HTTP " + status + " error=" + error + " error_description=" + description);
        this.error = error;
    }

    public String error() {
        return error;
    }
}
