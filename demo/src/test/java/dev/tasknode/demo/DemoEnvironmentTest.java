package dev.tasknode.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DemoEnvironmentTest {

    @Test
    void onlyDemoOrTheDemoProfileSwitchesItOn() {
        assertThat(DemoEnvironment.requested(env(Map.of()))).isFalse();
        assertThat(DemoEnvironment.requested(env(Map.of("demo", "false")))).isFalse();
        assertThat(DemoEnvironment.requested(env(Map.of("demo", "")))).isTrue(); // --demo
        assertThat(DemoEnvironment.requested(env(Map.of("spring.profiles.active", "dev,demo")))).isTrue();
    }

    @Test
    void withoutPgDumpBackupsAreRefusedNamingWhatToInstall() {
        Map<String, Object> tools = DemoEnvironment.backupTools(Optional.empty());
        String dump = (String) tools.get("tasknode.backup.pg-dump");
        assertThat(dump).contains("apt-get install postgresql-client", "15 or newer");
        // what the node does with it: the program cannot start, and its name carries the advice
        assertThatThrownBy(() -> new ProcessBuilder(dump, "--version").start()).isInstanceOf(IOException.class)
                .hasMessageContaining("install the PostgreSQL client tools");
    }

    @Test
    void withPgDumpTheClientToolsBesideItAreUsed() {
        Map<String, Object> tools = DemoEnvironment.backupTools(Optional.of(Path.of("/opt/pg/bin/pg_dump")));
        assertThat(tools).containsEntry("tasknode.backup.pg-dump", "/opt/pg/bin/pg_dump")
                .containsEntry("tasknode.backup.pg-restore", "/opt/pg/bin/pg_restore")
                .containsEntry("tasknode.backup.psql", "/opt/pg/bin/psql");
    }

    private static StandardEnvironment env(Map<String, Object> props) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", props));
        return env;
    }
}
