package dev.echoid.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import java.net.http.HttpResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.echoid.testkit.Browser;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider checked by an independent client library (Nimbus OAuth 2.0 / OpenID Connect SDK): discovery, the
 * code flow with PKCE, ID-token validation against the JWKS, userinfo, and its error parsing.
 */
class NimbusClientIT {

    private static DevServer system;
    private static OIDCProviderMetadata metadata;
    private static ClientID clientId;
    private static Secret secret;
    private static URI redirectUri;

    @BeforeAll
    static void discover() throws Exception {
        system = RunningSystem.get();
        metadata = OIDCProviderMetadata.resolve(new Issuer(system.options().issuer()));
        clientId = new ClientID(DevServer.CLIENT_ID);
        secret = new Secret(system.clientSecret());
        redirectUri = URI.create(system.options().gateway() + "/callback");
    }

    @Test
    void discoveryWhenResolvedByNimbusThenConsistent() {
        assertThat(metadata.getIssuer().getValue()).isEqualTo(system.options().issuer());
        assertThat(metadata.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(metadata.getIDTokenJWSAlgs()).containsExactly(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
        assertThat(metadata.supportsAuthorizationResponseIssuerParam()).isTrue();
    }

    @Test
    void codeFlowWhenDrivenByNimbusThenIdTokenValidatesAndUserInfoAnswers() throws Exception {
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "profile", "email"), clientId, redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();

        URI callback = Browser.location(SingleSignOnIT.signInAtProvider(new Browser(), request.toURI()));
        AuthorizationResponse response = AuthorizationResponse.parse(callback);
        assertThat(response.indicatesSuccess()).isTrue();
        assertThat(response.getState()).isEqualTo(state);
        assertThat(response.getIssuer()).isEqualTo(metadata.getIssuer());
        AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();

        TokenRequest tokenRequest = new TokenRequest(metadata.getTokenEndpointURI(),
                new ClientSecretBasic(clientId, secret), new AuthorizationCodeGrant(code, redirectUri, verifier));
        TokenResponse tokenResponse = OIDCTokenResponseParser.parse(tokenRequest.toHTTPRequest().send());
        assertThat(tokenResponse.indicatesSuccess()).as(String.valueOf(tokenResponse)).isTrue();
        OIDCTokenResponse tokens = (OIDCTokenResponse) tokenResponse.toSuccessResponse();

        JWT idToken = tokens.getOIDCTokens().getIDToken();
        IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(), clientId, JWSAlgorithm.RS256,
                metadata.getJWKSetURI().toURL());
        IDTokenClaimsSet claims = validator.validate(idToken, nonce);
        assertThat(claims.getAudience()).extracting(a -> a.getValue()).containsExactly(DevServer.CLIENT_ID);
        assertThat(claims.getAuthenticationTime()).isNotNull();

        BearerAccessToken accessToken = tokens.getOIDCTokens().getBearerAccessToken();
        UserInfoResponse userInfo = UserInfoResponse.parse(
                new UserInfoRequest(metadata.getUserInfoEndpointURI(), accessToken).toHTTPRequest().send());
        assertThat(userInfo.indicatesSuccess()).isTrue();
        assertThat(userInfo.toSuccessResponse().getUserInfo().getSubject()).isEqualTo(claims.getSubject());
        assertThat(userInfo.toSuccessResponse().getUserInfo().getPreferredUsername()).isEqualTo(DevServer.DEMO_USER);

        // the same code again: Nimbus parses a standard invalid_grant
        TokenResponse replay = OIDCTokenResponseParser.parse(tokenRequest.toHTTPRequest().send());
        assertThat(replay.indicatesSuccess()).isFalse();
        TokenErrorResponse error = replay.toErrorResponse();
        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_grant");
        assertThat(error.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    @Test
    void refreshIntrospectRevokeAndLogoutWhenDrivenByNimbus() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        AuthenticationRequest request = new AuthenticationRequest.Builder(ResponseType.CODE,
                new Scope("openid", "profile"), clientId, redirectUri)
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .state(state)
                .nonce(new Nonce())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build();
        Browser browser = new Browser();
        AuthorizationCode code = AuthorizationResponse.parse(Browser.location(
                SingleSignOnIT.signInAtProvider(browser, request.toURI()))).toSuccessResponse().getAuthorizationCode();
        ClientSecretBasic auth = new ClientSecretBasic(clientId, secret);
        OIDCTokenResponse first = (OIDCTokenResponse) OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), auth, new AuthorizationCodeGrant(code, redirectUri, verifier))
                .toHTTPRequest().send()).toSuccessResponse();
        RefreshToken refresh1 = first.getOIDCTokens().getRefreshToken();
        assertThat(refresh1).isNotNull();

        // refresh: a new refresh token (rotation)
        TokenResponse refreshed = OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(),
                auth, new RefreshTokenGrant(refresh1)).toHTTPRequest().send());
        assertThat(refreshed.indicatesSuccess()).as(String.valueOf(refreshed)).isTrue();
        Tokens tokens = refreshed.toSuccessResponse().getTokens();
        assertThat(tokens.getRefreshToken()).isNotEqualTo(refresh1);

        // introspection (RFC 7662) of the new access token
        TokenIntrospectionResponse active = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                metadata.getIntrospectionEndpointURI(), auth, tokens.getAccessToken()).toHTTPRequest().send());
        assertThat(active.toSuccessResponse().isActive()).isTrue();
        assertThat(active.toSuccessResponse().getClientID()).isEqualTo(clientId);

        // revocation (RFC 7009) of the refresh token ends the grant
        HTTPResponse revoked = new TokenRevocationRequest(metadata.getRevocationEndpointURI(), auth,
                tokens.getRefreshToken()).toHTTPRequest().send();
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        TokenIntrospectionResponse inactive = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                metadata.getIntrospectionEndpointURI(), auth, tokens.getAccessToken()).toHTTPRequest().send());
        assertThat(inactive.toSuccessResponse().isActive()).isFalse();
        TokenResponse afterRevocation = OIDCTokenResponseParser.parse(new TokenRequest(
                metadata.getTokenEndpointURI(), auth, new RefreshTokenGrant(tokens.getRefreshToken()))
                .toHTTPRequest().send());
        assertThat(afterRevocation.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");

        // RP-initiated logout built by Nimbus
        State logoutState = new State();
        LogoutRequest logout = new LogoutRequest(metadata.getEndSessionEndpointURI(),
                first.getOIDCTokens().getIDToken(), URI.create(system.options().gateway() + "/signed-out"),
                logoutState);
        HttpResponse<String> out = browser.get(logout.toURI());
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(Browser.query(Browser.location(out))).containsEntry("state", logoutState.getValue());
    }

    @Test
    void tokenWhenWrongSecretThenNimbusSeesInvalidClient() throws Exception {
        TokenRequest request = new TokenRequest(metadata.getTokenEndpointURI(),
                new ClientSecretBasic(clientId, new Secret("wrong")),
                new AuthorizationCodeGrant(new AuthorizationCode("x"), redirectUri));
        TokenResponse response = OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
        assertThat(response.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(response.toErrorResponse().getErrorObject().getHTTPStatusCode()).isEqualTo(401);
    }

}
