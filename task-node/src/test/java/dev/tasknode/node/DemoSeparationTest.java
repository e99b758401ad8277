package dev.tasknode.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Real deployments never start anything embedded: the node holds no embedded server and refuses --demo. */
class DemoSeparationTest {

    @Test
    void theNodeContainsNoEmbeddedServer() {
        for (String c : new String[] {"org.apache.qpid.server.SystemLauncher",
                "io.zonky.test.db.postgres.embedded.EmbeddedPostgres", TaskNodeApplication.DEMO_CLASS}) {
            assertThatThrownBy(() -> Class.forName(c)).as(c).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void demoWithoutTheDemoModuleIsRefusedInsteadOfRunningAgainstTheConfiguredServers() {
        assertThat(TaskNodeApplication.demoRefusal(new String[] {"--demo"}, null)).contains("./tasknode --demo");
        assertThat(TaskNodeApplication.demoRefusal(new String[] {"--spring.profiles.active=dev,demo"}, null)).isNotNull();
        assertThat(TaskNodeApplication.demoRefusal(new String[0], "demo")).isNotNull();
        assertThat(TaskNodeApplication.demoRefusal(new String[] {"--spring.profiles.active=dev"}, "prod")).isNull();
        assertThat(TaskNodeApplication.demoRefusal(new String[] {"--demo=false"}, null)).isNull();
    }
}
