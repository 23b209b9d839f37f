package dev.echoid.tomcat;

import java.io.IOException;
import org.jboss.arquillian.container.spi.event.container.AfterStart;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Puts the guide's {@code identity.xml} into the managed Tomcat's {@code conf/Catalina/localhost/} between Tomcat's
 * start and Arquillian's first deployment (see {@link ManagedTomcatBase} for why not earlier).
 */
public final class ContextDescriptorExtension implements LoadableExtension {

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(Installer.class);
    }

    /** An Arquillian observer: public, with a public no-argument constructor. */
    public static final class Installer {

        public void afterStart(@Observes AfterStart event) throws IOException {
            ManagedTomcatBase.installDescriptor();
        }
    }
}
