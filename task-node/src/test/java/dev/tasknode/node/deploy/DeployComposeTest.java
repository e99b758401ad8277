package dev.tasknode.node.deploy;

import static dev.tasknode.node.deploy.DeployFiles.at;
import static dev.tasknode.node.deploy.DeployFiles.deploy;
import static dev.tasknode.node.deploy.DeployFiles.list;
import static dev.tasknode.node.deploy.DeployFiles.map;
import static dev.tasknode.node.deploy.DeployFiles.read;
import static dev.tasknode.node.deploy.DeployFiles.root;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose.yaml and deploy/Dockerfile, checked without a Docker engine: the file parses, everything it
 * mounts or builds from exists, and the pieces agree with each other (ports, paths, service names).
 */
class DeployComposeTest {
    private static final Path COMPOSE = deploy("compose.yaml");

    private final Map<String, Object> compose = DeployFiles.yamlMap(COMPOSE);
    private final Map<String, Object> services = map(compose.get("services"), "services");

    @Test
    void stackHasEveryPartAndTwoTaskNodes() {
        assertThat(services).containsKeys("postgres", "rabbitmq", "prometheus", "grafana");
        assertThat(taskNodes()).as("task-node replicas").hasSize(2);
    }

    @Test
    void everyBuildContextDockerfileAndBindMountExists() {
        List<String> missing = new ArrayList<>();
        services.forEach((name, s) -> {
            Map<String, Object> service = map(s, name);
            Object build = service.get("build");
            if (build != null) {
                Path context = COMPOSE.getParent().resolve(build instanceof String str ? str
                        : String.valueOf(map(build, name + ".build").get("context"))).normalize();
                if (!Files.isDirectory(context)) {
                    missing.add(name + ": build context " + context);
                }
                Object dockerfile = build instanceof Map<?, ?> b ? b.get("dockerfile") : null;
                Path df = context.resolve(dockerfile == null ? "Dockerfile" : dockerfile.toString());
                if (!Files.isRegularFile(df)) {
                    missing.add(name + ": Dockerfile " + df);
                }
            }
            for (Object v : list(service.getOrDefault("volumes", List.of()), name + ".volumes")) {
                String source = v.toString().split(":", 2)[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    Path p = COMPOSE.getParent().resolve(source).normalize();
                    if (!Files.exists(p)) {
                        missing.add(name + ": mounted " + source);
                    }
                } else if (!map(compose.get("volumes"), "volumes").containsKey(source)) {
                    missing.add(name + ": named volume " + source + " not declared under volumes:");
                }
            }
        });
        assertThat(missing).as("files and volumes compose.yaml refers to").isEmpty();
    }

    @Test
    void dependenciesNameExistingServicesAndWaitForHealth() {
        for (Map.Entry<String, Map<String, Object>> node : taskNodes().entrySet()) {
            Map<String, Object> deps = map(node.getValue().get("depends_on"), node.getKey() + ".depends_on");
            assertThat(deps).containsOnlyKeys("postgres", "rabbitmq");
            deps.values().forEach(d -> assertThat(map(d, "dependency").get("condition")).isEqualTo("service_healthy"));
        }
        assertThat(at(services, "postgres", "healthcheck", "test")).isNotNull();
        assertThat(at(services, "rabbitmq", "healthcheck", "test")).isNotNull();
    }

    @Test
    void taskNodesShareTheBackupVolumeAndTalkToTheStackWithTheNodeUser() {
        for (Map.Entry<String, Map<String, Object>> node : taskNodes().entrySet()) {
            Map<String, Object> env = map(node.getValue().get("environment"), node.getKey() + ".environment");
            assertThat(env.get("SPRING_DATASOURCE_URL").toString()).startsWith("jdbc:postgresql://postgres:5432/");
            assertThat(env).containsEntry("SPRING_RABBITMQ_HOST", "rabbitmq")
                    .containsEntry("SPRING_RABBITMQ_USERNAME", "tasknode")
                    .containsEntry("BACKUP_DIR", "/opt/carrier/backup")
                    .containsKey("TASKNODE_INSTANCE_ID")
                    .containsKey("LOGGING_STRUCTURED_FORMAT_CONSOLE");
            assertThat(list(node.getValue().get("volumes"), "volumes")).contains("backups:/opt/carrier/backup");
        }
        assertThat(taskNodes().values().stream().map(s -> at(s, "environment", "TASKNODE_INSTANCE_ID")).distinct())
                .as("each replica its own instance id").hasSize(2);
    }

    @Test
    void passwordsComeFromTheEnvironmentWithDevDefaultsOnly() {
        // Every password-like value is an ${VAR:-default} reference, so a real one is set in .env or the shell.
        List<String> literal = new ArrayList<>();
        services.forEach((name, s) -> {
            Object env = map(s, name).get("environment");
            if (env instanceof Map<?, ?> m) {
                m.forEach((k, v) -> {
                    if (k.toString().matches("(?i).*(PASSWORD|PASS|SECRET|TOKEN).*")
                            && !String.valueOf(v).matches("\\$\\{[A-Z0-9_]+:-[^}]*}")) {
                        literal.add(name + "." + k);
                    }
                });
            }
        });
        assertThat(literal).isEmpty();
    }

    @Test
    void rabbitmqGetsDefinitionsConfigAndPluginsWhereItLooksForThem() {
        List<Object> volumes = list(at(services, "rabbitmq", "volumes"), "rabbitmq.volumes");
        assertThat(volumes).contains("./rabbitmq/definitions.json:/etc/rabbitmq/definitions.json:ro",
                "./rabbitmq/enabled_plugins:/etc/rabbitmq/enabled_plugins:ro");
        assertThat(volumes.stream().map(Object::toString))
                .anyMatch(v -> v.startsWith("./rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/"));
        assertThat(read(deploy("rabbitmq/rabbitmq.conf")))
                .contains("load_definitions = /etc/rabbitmq/definitions.json")
                .contains("prometheus.return_per_object_metrics = true");
        assertThat(read(deploy("rabbitmq/enabled_plugins")).trim())
                .matches("\\[.*\\]\\.").contains("rabbitmq_management").contains("rabbitmq_prometheus");
    }

    @Test
    void prometheusScrapesBothNodesAndTheBrokerAndLoadsTheRules() {
        Map<String, Object> prom = DeployFiles.yamlMap(deploy("prometheus/prometheus.yml"));
        List<String> targets = new ArrayList<>();
        String nodePath = null;
        for (Object job : list(prom.get("scrape_configs"), "scrape_configs")) {
            Map<String, Object> j = map(job, "job");
            if ("tasknode".equals(j.get("job_name"))) {
                nodePath = String.valueOf(j.get("metrics_path"));
            }
            for (Object sc : list(j.get("static_configs"), "static_configs")) {
                list(map(sc, "static_config").get("targets"), "targets").forEach(t -> targets.add(t.toString()));
            }
        }
        assertThat(nodePath).isEqualTo("/actuator/prometheus");
        List<String> expected = new ArrayList<>(taskNodes().keySet().stream().map(n -> n + ":8080").toList());
        expected.add("rabbitmq:15692");
        assertThat(targets).containsAll(expected);
        targets.forEach(t -> assertThat(services).as("scrape target host " + t).containsKey(t.split(":")[0]));

        // The rule file Prometheus is told to load is the one compose mounts there.
        List<Object> mounts = list(at(services, "prometheus", "volumes"), "prometheus.volumes");
        for (Object rf : list(prom.get("rule_files"), "rule_files")) {
            assertThat(mounts.stream().map(Object::toString)).anyMatch(m -> m.split(":")[1].equals(rf));
        }
        assertThat(mounts).contains("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    @Test
    void grafanaProvisioningPointsAtMountedDashboardsAndThePrometheusService() {
        Map<String, Object> ds = DeployFiles.yamlMap(deploy("grafana/provisioning/datasources/prometheus.yml"));
        Map<String, Object> source = map(list(ds.get("datasources"), "datasources").get(0), "datasource");
        assertThat(source.get("url").toString()).isEqualTo("http://prometheus:9090");
        Map<String, Object> dp = DeployFiles.yamlMap(deploy("grafana/provisioning/dashboards/tasknode.yml"));
        String path = String.valueOf(at(dp, "providers", 0, "options", "path"));
        assertThat(list(at(services, "grafana", "volumes"), "grafana.volumes").stream().map(Object::toString))
                .contains("./grafana/dashboards:" + path + ":ro");
        // Every panel uses the provisioned datasource by its uid.
        assertThat(read(deploy("grafana/dashboards/tasknode.json")))
                .doesNotContain("${DS_").contains("\"uid\": \"" + source.get("uid") + "\"");
    }

    @Test
    void dockerfileBuildsWithTheWrapperAndRunsNonRootOnAJre() {
        List<String> lines = dockerfileInstructions();
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).as("multi-stage").hasSizeGreaterThanOrEqualTo(2);
        String args = String.join("\n", lines);
        assertThat(resolveArg(args, froms.get(0))).contains("temurin:25-jdk");
        assertThat(resolveArg(args, froms.get(froms.size() - 1))).contains("temurin:25-jre");
        assertThat(args).contains("./mvnw -B").contains("package");
        // The image ships the artifact names the build produces.
        assertThat(args).contains("task-node/target/task-node.jar").contains("rpc-client/target/tasknode-cli.jar");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user.substring(5).split(":")[0].trim()).isNotIn("root", "0");
        assertThat(lines).anyMatch(l -> l.startsWith("VOLUME ") && l.contains("/opt/carrier/backup"));
        assertThat(lines).anyMatch(l -> l.startsWith("HEALTHCHECK ") && l.contains("/actuator/health"));
        assertThat(lines).anyMatch(l -> l.startsWith("ENTRYPOINT [\"java\""));
        // The sources the build stage copies exist.
        for (String l : lines) {
            if (l.startsWith("COPY ") && !l.contains("--from=")) {
                String[] parts = l.substring(5).trim().split("\\s+");
                for (int i = 0; i < parts.length - 1; i++) {
                    if (!parts[i].startsWith("--")) {
                        assertThat(root().resolve(parts[i])).as("COPY source").exists();
                    }
                }
            }
        }
    }

    @Test
    void pgDumpInTheImageIsAtLeastAsNewAsThePostgresServerOfTheStack() {
        // pg_dump refuses servers of a newer major than itself; the image must carry the newest client.
        String dockerfile = String.join("\n", dockerfileInstructions());
        Matcher m = Pattern.compile("ARG PG_CLIENT_MAJOR=(\\d+)").matcher(dockerfile);
        assertThat(m.find()).as("ARG PG_CLIENT_MAJOR in the Dockerfile").isTrue();
        int client = Integer.parseInt(m.group(1));
        assertThat(dockerfile).contains("apt.postgresql.org").contains("postgresql-client-${PG_CLIENT_MAJOR}");
        String image = String.valueOf(at(services, "postgres", "image"));
        int server = Integer.parseInt(image.replaceAll("^postgres:(\\d+).*$", "$1"));
        assertThat(client).isGreaterThanOrEqualTo(server).isGreaterThanOrEqualTo(18);
    }

    @Test
    void dockerignoreKeepsBuildOutputAndGitOutOfTheContext() {
        List<String> ignore = read(root().resolve(".dockerignore")).lines().map(String::trim).toList();
        assertThat(ignore).contains("**/target/", ".git/");
        // ... but not what the build copies.
        assertThat(ignore).doesNotContain("mvnw", ".mvn/", "pom.xml", "task-node/", "contracts/", "rpc-client/");
    }

    @Test
    void nodeNameIsTheSameInEveryFile() {
        // The queue name is the node name: definitions, rules and dashboard must follow the configured one.
        String node = String.valueOf(at(services, "task-node-1", "environment", "TASKNODE_NODE_NAME"));
        Map<String, Object> configMap = DeployKubernetesTest.loadAll().stream()
                .filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow();
        assertThat(at(configMap, "data", "TASKNODE_NODE_NAME")).isEqualTo(node);
        assertThat(read(deploy("rabbitmq/definitions.json"))).contains("\"name\": \"" + node + "\"")
                .contains("\"name\": \"" + node + ".control\"");
        for (String rule : List.of("TaskNodeQueueBacklogGrowing", "TaskNodeNoConsumer")) {
            assertThat(DeployFiles.ruleExpressions().get(rule)).contains("queue=\"" + node + "\"");
        }
        Map<String, Object> dash = DeployFiles.jsonMap(deploy("grafana/dashboards/tasknode.json"));
        assertThat(at(dash, "templating", "list", 0, "name")).isEqualTo("node");
        assertThat(at(dash, "templating", "list", 0, "current", "value")).isEqualTo(node);
    }

    private Map<String, Map<String, Object>> taskNodes() {
        Map<String, Map<String, Object>> nodes = new java.util.TreeMap<>();
        services.forEach((name, s) -> {
            Map<String, Object> service = map(s, name);
            if (service.get("build") != null && String.valueOf(at(service, "build", "dockerfile")).endsWith("Dockerfile")) {
                nodes.put(name, service);
            }
        });
        return nodes;
    }

    /** Dockerfile instructions with continuation lines joined and comments dropped. */
    static List<String> dockerfileInstructions() {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : read(deploy("Dockerfile")).lines().toList()) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && cur.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            cur.append(line);
            out.add(cur.toString().replaceAll("\\s+", " ").trim());
            cur.setLength(0);
        }
        return out;
    }

    private static String resolveArg(String dockerfile, String from) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(from);
        String out = from;
        while (m.find()) {
            Matcher def = Pattern.compile("ARG " + m.group(1) + "=(\\S+)").matcher(dockerfile);
            if (def.find()) {
                out = out.replace(m.group(), def.group(1));
            }
        }
        return out;
    }
}
