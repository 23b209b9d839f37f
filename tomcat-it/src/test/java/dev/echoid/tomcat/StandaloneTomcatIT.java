package dev.echoid.tomcat;

import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both WARs in a standalone Tomcat 11 configured from {@code server-config/tomcat/} only and started by
 * {@code bin/catalina.sh}: the provider's database comes from the JNDI data source in {@code identity.xml}, whose
 * {@code ${...}} placeholders Tomcat fills from the environment because {@code setenv.sh} turns on its
 * EnvironmentPropertySource.
 */
class StandaloneTomcatIT {

    @RegisterExtension
    static final StandaloneTomcat TOMCAT = new StandaloneTomcat();

    @Test
    void providerWhenIdentityXmlDefinesDataSourceThenUsesItAndIsReady() throws Exception {
        TomcatChecks.readyOnContainerDataSource(TOMCAT.issuer(), TOMCAT::consoleLog);
    }

    @Test
    void browserWhenSignedInThroughStandaloneTomcatThenGatewayShowsUserAndEchoApiReturnsIdentity() throws Exception {
        TomcatChecks.signInThroughGateway(TOMCAT.gateway(), TOMCAT.issuer(), TOMCAT::consoleLog);
    }

    @TestFactory
    Stream<DynamicTest> malformedRequestWhenTomcatRefusesItThenAnswerRevealsNothing() {
        return TomcatChecks.malformedRequestsRevealNothing(URI.create(TOMCAT.gateway()));
    }
}
