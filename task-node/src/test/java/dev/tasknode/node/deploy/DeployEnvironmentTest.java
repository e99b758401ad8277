package dev.tasknode.node.deploy;

import static dev.tasknode.node.deploy.DeployFiles.deploy;
import static dev.tasknode.node.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * The environment variables compose.yaml and the Kubernetes manifests set really reach the node's
 * properties: resolved the way Spring Boot resolves them at start (system environment over application.yml,
 * relaxed binding, placeholders), so a typo or an unbound name fails here instead of being silently ignored
 * in production.
 */
class DeployEnvironmentTest {
    /** Every variable the deployment files may set, and the property it must end up in. */
    static final Map<String, String> PROPERTY_OF = new LinkedHashMap<>();

    static {
        PROPERTY_OF.put("SPRING_DATASOURCE_URL", "spring.datasource.url");
        PROPERTY_OF.put("SPRING_DATASOURCE_USERNAME", "spring.datasource.username");
        PROPERTY_OF.put("SPRING_DATASOURCE_PASSWORD", "spring.datasource.password");
        PROPERTY_OF.put("SPRING_RABBITMQ_HOST", "spring.rabbitmq.host");
        PROPERTY_OF.put("SPRING_RABBITMQ_PORT", "spring.rabbitmq.port");
        PROPERTY_OF.put("SPRING_RABBITMQ_USERNAME", "spring.rabbitmq.username");
        PROPERTY_OF.put("SPRING_RABBITMQ_PASSWORD", "spring.rabbitmq.password");
        PROPERTY_OF.put("SPRING_RABBITMQ_VIRTUAL_HOST", "spring.rabbitmq.virtual-host");
        PROPERTY_OF.put("TASKNODE_NODE_NAME", "tasknode.node-name");
        PROPERTY_OF.put("TASKNODE_WORKERS", "tasknode.workers");
        PROPERTY_OF.put("TASKNODE_INSTANCE_ID", "tasknode.instance-id");
        PROPERTY_OF.put("TASKNODE_SHUTDOWN_GRACE", "tasknode.shutdown-grace");
        PROPERTY_OF.put("TASKNODE_STORE_SCHEMA", "tasknode.store-schema");
        PROPERTY_OF.put("TASKNODE_AUTH_MUTATING_USERS", "tasknode.auth.mutating-users");
        PROPERTY_OF.put("TASKNODE_SCHEMA_SHARED", "tasknode.schema.shared");
        PROPERTY_OF.put("TASKNODE_SCHEMA_PROJECT_TEMPLATE", "tasknode.schema.project-template");
        PROPERTY_OF.put("BACKUP_DIR", "tasknode.backup.dir");
        PROPERTY_OF.put("TASKNODE_BACKUP_SCHEDULE_BACKUP", "tasknode.backup.schedule.backup");
        PROPERTY_OF.put("TASKNODE_BACKUP_SCHEDULE_PRUNE", "tasknode.backup.schedule.prune");
        PROPERTY_OF.put("TASKNODE_BACKUP_RETENTION_KEEP_LAST", "tasknode.backup.retention.keep-last");
        PROPERTY_OF.put("TASKNODE_ADMIN_DEV_USERS", "tasknode.admin.dev-users");
        PROPERTY_OF.put("TASKNODE_ADMIN_USERS_0_NAME", "tasknode.admin.users[0].name");
        PROPERTY_OF.put("TASKNODE_ADMIN_USERS_0_PASSWORD", "tasknode.admin.users[0].password");
        PROPERTY_OF.put("TASKNODE_ADMIN_USERS_0_ROLES", "tasknode.admin.users[0].roles");
        PROPERTY_OF.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "logging.structured.format.console");
        PROPERTY_OF.put("SERVER_PORT", "server.port");
    }

    @Test
    void everyVariableTheDeploymentSetsIsOneWeKnow() {
        List<String> names = new ArrayList<>(DeployKubernetesTest.environmentNames());
        names.addAll(composeEnvironment().keySet());
        assertThat(new TreeSet<>(names)).allSatisfy(n -> assertThat(PROPERTY_OF).containsKey(n));
    }

    @Test
    void composeEnvironmentReachesTheNodesProperties() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        composeEnvironment().forEach((k, v) -> env.put(k, String.valueOf(v).replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1")));
        assertBound(env);
    }

    @Test
    void everyDocumentedVariableReachesItsProperty() throws IOException {
        // Distinct values per variable, so a value bound to the wrong property is noticed too.
        Map<String, String> env = new LinkedHashMap<>();
        PROPERTY_OF.keySet().forEach(k -> env.put(k, switch (k) {
            case "SPRING_RABBITMQ_PORT", "SERVER_PORT" -> String.valueOf(1000 + k.length());
            case "TASKNODE_WORKERS", "TASKNODE_BACKUP_RETENTION_KEEP_LAST" -> "7";
            case "TASKNODE_SHUTDOWN_GRACE" -> "41s";
            case "TASKNODE_AUTH_MUTATING_USERS" -> "alice,bob";
            case "LOGGING_STRUCTURED_FORMAT_CONSOLE" -> "logstash";
            case "TASKNODE_ADMIN_DEV_USERS" -> "true";
            default -> "v-" + k.toLowerCase();
        }));
        assertBound(env);
    }

    private static void assertBound(Map<String, String> env) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new LinkedHashMap<>(env)));
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        for (PropertySource<?> ps : new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))) {
            sources.addLast(ps);
        }
        Binder binder = Binder.get(environment);
        List<String> unbound = new ArrayList<>();
        env.forEach((var, value) -> {
            String property = PROPERTY_OF.get(var);
            if (property == null) {
                return;
            }
            String bound = property.endsWith("mutating-users") || property.endsWith("roles")
                    ? binder.bind(property, Bindable.listOf(String.class)).map(l -> String.join(",", l)).orElse(null)
                    : binder.bind(property, String.class).orElse(null);
            if (!value.equals(bound)) {
                unbound.add(var + "=" + value + " -> " + property + " = " + bound);
            }
        });
        assertThat(unbound).as("variables that do not reach their property").isEmpty();
    }

    private static Map<String, Object> composeEnvironment() {
        Map<String, Object> services = map(DeployFiles.yamlMap(deploy("compose.yaml")).get("services"), "services");
        return map(map(services.get("task-node-1"), "task-node-1").get("environment"), "environment");
    }
}
