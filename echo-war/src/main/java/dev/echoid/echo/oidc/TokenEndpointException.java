package dev.echoid.echo.oidc;

/** The token endpoint answered an RFC 6749 §5.2 error; {@link #error()} is the provider's error code. */
public final class TokenEndpointException extends ProviderException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    public TokenEndpointException(int status, String error, String description) {
        super("token endpoint answered HTTP " + status + " error=" + error + " error_description=" + description);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /**
     * Whether the provider turned the request down for good ({@code invalid_grant}, {@code invalid_client}, ...) rather
     * than failing for the moment (HTTP 5xx, {@code temporarily_unavailable}, {@code server_error}).
     */
    public boolean refused() {
        return status < 500 && !"temporarily_unavailable".equals(error) && !"server_error".equals(error);
    }
}
