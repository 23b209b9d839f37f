package dev.echoid.identity.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DatabaseContainerDataSourceTest {

    @Test
    void lookupWhenNothingBoundThenNoContainerDataSource() {
        assertThat(Database.containerDataSource(name -> {
            throw new NameNotFoundException("Name [jdbc/identity] is not bound in this Context");
        })).isNull();
    }

    @Test
    void lookupWhenNoJndiAtAllThenNoContainerDataSource() {
        assertThat(Database.containerDataSource(name -> {
            throw new NoInitialContextException("Need to specify class name in environment or system property");
        })).isNull();
    }

    @Test
    void lookupWhenBoundThenThatDataSourceUnderTheStandardName() {
        DataSource bound = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> null);
        String[] asked = new String[1];

        DataSource found = Database.containerDataSource(name -> {
            asked[0] = name;
            return bound;
        });

        assertThat(found).isSameAs(bound);
        assertThat(asked[0]).isEqualTo("java:comp/env/jdbc/identity");
    }

    @Test
    void lookupWhenDefinedButBrokenThenStartUpStopsWithTheCause() {
        // what Tomcat throws when the Resource's factory fails (NamingContext "Unexpected exception resolving ...")
        NamingException broken = new NamingException("Unexpected exception resolving reference");
        broken.initCause(new SQLException("No suitable driver", new ClassNotFoundException("org.postgresql.Driver")));

        assertThatThrownBy(() -> Database.containerDataSource(name -> {
            throw broken;
        })).isInstanceOf(IllegalStateException.class)
                .hasCause(broken)
                .hasMessageContaining("java:comp/env/jdbc/identity")
                .hasMessageContaining("Unexpected exception resolving reference")
                .hasMessageContaining("ClassNotFoundException: org.postgresql.Driver")
                .hasMessageContaining("IDENTITY_DB_URL");
    }

    @Test
    void lookupWhenBoundToSomethingElseThenStartUpStops() {
        assertThatThrownBy(() -> Database.containerDataSource(name -> "jdbc:postgresql://db/identity"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.String, not a javax.sql.DataSource");
    }
}
