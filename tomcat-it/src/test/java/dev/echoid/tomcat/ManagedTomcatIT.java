package dev.echoid.tomcat;

import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Both WARs, exactly as the build ships them, deployed by Arquillian into a managed Tomcat 11 unpacked from
 * Maven Central (org.apache.tomcat:tomcat) and configured from {@code server-config/tomcat/}: {@code setenv.sh}'s
 * options, {@code identity.xml}'s JNDI data source, the settings in the environment ({@link ManagedTomcatBase}).
 */
@ExtendWith(ManagedTomcatBase.class)
@ExtendWith(ArquillianExtension.class)
class ManagedTomcatIT {

    @Deployment(name = "identity", order = 1, testable = false)
    static WebArchive identity() {
        return war("identity.war");
    }

    @Deployment(name = "echo", order = 2, testable = false)
    static WebArchive echo() {
        return war("ROOT.war");
    }

    private static WebArchive war(String name) {
        return ShrinkWrap.createFromZipFile(WebArchive.class,
                Path.of(System.getProperty("echoid.wars"), name).toFile());
    }

    @Test
    void providerWhenDeployedByArquillianThenUsesDataSourceOfIdentityXml() throws Exception {
        TomcatChecks.readyOnContainerDataSource(ManagedTomcatBase.issuer(), ManagedTomcatBase::catalinaLog);
    }

    @Test
    void browserWhenSignedInThroughManagedTomcatThenGatewayShowsUserAndEchoApiReturnsIdentity() throws Exception {
        TomcatChecks.signInThroughGateway(ManagedTomcatBase.gateway(), ManagedTomcatBase.issuer(),
                ManagedTomcatBase::catalinaLog);
    }
}
