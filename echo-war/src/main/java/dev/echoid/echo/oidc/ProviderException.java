package dev.echoid.echo.oidc;

/**
 * The OpenID Provider could not be reached, or answered with something the gateway cannot use. The message is a
 * private detail for the log; users see a generic page.
 */
public class ProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProviderException(String detail) {
        super(detail);
    }

    public ProviderException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
