package dev.echoid.identity.endpoint;

import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The protocol endpoints and the mappers that turn every failure into a standard answer. */
public class ProtocolApplication extends ResourceConfig {

    public ProtocolApplication() {
        register(JacksonFeature.class);
        register(DiscoveryEndpoint.class);
        register(JwksEndpoint.class);
        register(AuthorizeEndpoint.class);
        register(TokenEndpoint.class);
        register(MetricsEndpoint.class);
        register(UserInfoEndpoint.class);
        register(RevocationEndpoint.class);
        register(IntrospectionEndpoint.class);
        register(EndSessionEndpoint.class);
        register(AdminUsersEndpoint.class);
        register(HealthEndpoint.class);
        register(AdminEndpoint.class);
        register(AuditEndpoint.class);
        register(OAuthExceptionMapper.class);
        register(HashingBudgetExhaustedMapper.class);
        register(WebApplicationExceptionMapper.class);
        register(UnexpectedExceptionMapper.class);
        // no WADL, no server-side error pages from the container for our responses
        property(ServerProperties.WADL_FEATURE_DISABLE, true);
        property(ServerProperties.RESPONSE_SET_STATUS_OVER_SEND_ERROR, true);
    }
}
