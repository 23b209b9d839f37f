package dev.echoid.identity.endpoint;

import java.util.List;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletProperties;

/**
 * The protocol endpoints, as the instances the provider built with their collaborators, and the mappers that turn
 * every failure into a standard answer.
 */
public class ProtocolApplication extends ResourceConfig {

    /**
     * The paths Jersey answers (as its filter's {@code jersey.config.servlet.filter.staticContentRegex}); every
     * other path (the Faces pages, static files) passes through to the container.
     * Jersey runs as a filter on {@code /*} so that {@code @Path} resolves against the context root.
     */
    public static final String PROTOCOL_PATHS = "(?!/(authorize|token|userinfo|revoke|introspect|logout|jwks|"
            + "\\.well-known/openid-configuration|health/[a-z]+|metrics|admin/keys(/rotate)?|"
            + "admin/users/[^/]+/(unlock|totp)|admin/audit(/verify)?|"
            + "admin/backchannel-logout(/[^/]+/retry)?)$).*";

    /** @param endpoints one instance per JAX-RS resource, built by the provider's composition root */
    public ProtocolApplication(List<Object> endpoints) {
        register(JacksonFeature.class);
        endpoints.forEach(this::register);
        register(OAuthExceptionMapper.class);
        register(HashingBudgetExhaustedMapper.class);
        register(WebApplicationExceptionMapper.class);
        register(UnexpectedExceptionMapper.class);
        // no WADL, no server-side error pages from the container for our responses
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
        property(ServletProperties.FILTER_STATIC_CONTENT_REGEX, PROTOCOL_PATHS);
    }
}
