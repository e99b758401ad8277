package dev.tasknode.node.deploy;

import static dev.tasknode.node.deploy.DeployFiles.at;
import static dev.tasknode.node.deploy.DeployFiles.deploy;
import static dev.tasknode.node.deploy.DeployFiles.list;
import static dev.tasknode.node.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/k8s: parses (multi-document), probes and limits present, credentials only by Secret reference. */
class DeployKubernetesTest {
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY).*");
    /** A URL with user:password@ in it, e.g. amqp://u:p@host or jdbc:postgresql://u:p@host. */
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("[a-z]+://[^/\\s:@]+:[^/\\s@]+@");

    private final List<Map<String, Object>> docs = loadAll();

    @Test
    void everyManifestParsesAndNamesItsKind() {
        assertThat(docs).isNotEmpty();
        for (Map<String, Object> d : docs) {
            assertThat(d).containsKeys("apiVersion", "kind");
            if (!"Kustomization".equals(d.get("kind"))) {
                assertThat(at(d, "metadata", "name")).as(d.get("kind") + " name").isNotNull();
            }
        }
        assertThat(kinds()).contains("Deployment", "Service", "ConfigMap", "PersistentVolumeClaim", "ServiceMonitor");
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Map<String, Object> k = DeployFiles.yamlMap(deploy("k8s/kustomization.yaml"));
        List<String> resources = list(k.get("resources"), "resources").stream().map(Object::toString).sorted().toList();
        try (Stream<Path> files = Files.list(deploy("k8s"))) {
            assertThat(resources).containsExactlyElementsOf(files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList());
        }
    }

    @Test
    void containersHaveProbesOnTheActuatorAndResourceLimits() {
        for (Map<String, Object> c : containers()) {
            assertThat(at(c, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
            assertThat(at(c, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
            List<Object> portNames = list(c.get("ports"), "ports").stream().map(p -> map(p, "port").get("name")).toList();
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                if (c.containsKey(probe)) {
                    assertThat(portNames).contains(at(c, probe, "httpGet", "port"));
                }
            }
            assertThat(map(at(c, "resources", "limits"), "limits")).containsKeys("cpu", "memory");
            assertThat(map(at(c, "resources", "requests"), "requests")).containsKeys("cpu", "memory");
        }
    }

    @Test
    void podRunsAsTheImagesNonRootUserAndGracePeriodExceedsTheNodesShutdownGrace() {
        Map<String, Object> pod = podSpec();
        assertThat(at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
        assertThat(at(pod, "securityContext", "runAsUser")).isEqualTo(10001);
        assertThat(DeployComposeTest.dockerfileInstructions()).contains("USER 10001:10001");
        String grace = String.valueOf(configMapData().get("TASKNODE_SHUTDOWN_GRACE"));
        assertThat((Integer) pod.get("terminationGracePeriodSeconds"))
                .isGreaterThan(Integer.parseInt(grace.replace("s", "")));
    }

    @Test
    void noCredentialInAnyManifest() {
        assertThat(kinds()).as("Secrets are created outside the repository").doesNotContain("Secret");
        List<String> offences = new ArrayList<>();
        for (Map<String, Object> c : containers()) {
            for (Object e : list(c.getOrDefault("env", List.of()), "env")) {
                Map<String, Object> env = map(e, "env");
                String name = env.get("name").toString();
                if (SECRET_NAME.matcher(name).matches()) {
                    if (env.containsKey("value") || at(env, "valueFrom", "secretKeyRef", "name") == null) {
                        offences.add("env " + name + " must come from a secretKeyRef");
                    }
                }
                if (env.get("value") != null && URL_WITH_PASSWORD.matcher(env.get("value").toString()).find()) {
                    offences.add("env " + name + " holds a URL with a password");
                }
            }
        }
        configMapData().forEach((k, v) -> {
            if (SECRET_NAME.matcher(k).matches()) {
                offences.add("ConfigMap key " + k);
            }
            if (URL_WITH_PASSWORD.matcher(String.valueOf(v)).find()) {
                offences.add("ConfigMap " + k + " holds a URL with a password");
            }
        });
        assertThat(offences).isEmpty();
        // And both passwords the node needs are referenced.
        List<String> secretEnv = containers().stream().flatMap(c -> list(c.get("env"), "env").stream())
                .map(e -> map(e, "env")).filter(e -> at(e, "valueFrom", "secretKeyRef") != null)
                .map(e -> e.get("name").toString()).toList();
        assertThat(secretEnv).contains("SPRING_DATASOURCE_PASSWORD", "SPRING_RABBITMQ_PASSWORD");
    }

    @Test
    void backupsLiveOnAClaimSharedByAllReplicas() {
        Map<String, Object> pvc = doc("PersistentVolumeClaim");
        assertThat(list(at(pvc, "spec", "accessModes"), "accessModes")).contains("ReadWriteMany");
        Map<String, Object> pod = podSpec();
        String volume = list(pod.get("volumes"), "volumes").stream().map(v -> map(v, "volume"))
                .filter(v -> at(v, "persistentVolumeClaim", "claimName") != null)
                .peek(v -> assertThat(at(v, "persistentVolumeClaim", "claimName")).isEqualTo(at(pvc, "metadata", "name")))
                .map(v -> v.get("name").toString()).findFirst().orElseThrow();
        assertThat(containers().get(0).get("volumeMounts").toString())
                .contains("name=" + volume).contains("mountPath=" + configMapData().get("BACKUP_DIR"));
        assertThat((Integer) at(doc("Deployment"), "spec", "replicas")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void serviceAndServiceMonitorFindThePods() {
        Map<String, Object> podLabels = map(at(doc("Deployment"), "spec", "template", "metadata", "labels"), "labels");
        Map<String, Object> service = doc("Service");
        assertThat(podLabels).containsAllEntriesOf(map(at(service, "spec", "selector"), "selector"));
        Map<String, Object> monitor = doc("ServiceMonitor");
        assertThat(map(at(service, "metadata", "labels"), "labels"))
                .containsAllEntriesOf(map(at(monitor, "spec", "selector", "matchLabels"), "matchLabels"));
        List<Object> servicePorts = list(at(service, "spec", "ports"), "ports").stream().map(p -> map(p, "port").get("name")).toList();
        for (Object e : list(at(monitor, "spec", "endpoints"), "endpoints")) {
            assertThat(servicePorts).contains(map(e, "endpoint").get("port"));
            assertThat(map(e, "endpoint").get("path")).isEqualTo("/actuator/prometheus");
        }
    }

    @Test
    void deploymentReadsTheConfigMapAndSecretsItExpects() {
        Map<String, Object> c = containers().get(0);
        assertThat(list(c.get("envFrom"), "envFrom").toString()).contains("name=" + at(doc("ConfigMap"), "metadata", "name"));
        assertThat(configMapData()).containsKeys("SPRING_DATASOURCE_URL", "SPRING_RABBITMQ_HOST", "TASKNODE_NODE_NAME",
                "TASKNODE_AUTH_MUTATING_USERS", "BACKUP_DIR", "LOGGING_STRUCTURED_FORMAT_CONSOLE");
    }

    static List<Map<String, Object>> loadAll() {
        try (Stream<Path> files = Files.list(deploy("k8s"))) {
            List<Map<String, Object>> all = new ArrayList<>();
            files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .forEach(p -> all.addAll(DeployFiles.yamlDocuments(p)));
            return all;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The env names the manifests give the node: ConfigMap keys and explicit env entries. */
    static List<String> environmentNames() {
        DeployKubernetesTest t = new DeployKubernetesTest();
        List<String> names = new ArrayList<>(t.configMapData().keySet());
        t.containers().forEach(c -> list(c.getOrDefault("env", List.of()), "env")
                .forEach(e -> names.add(map(e, "env").get("name").toString())));
        return names;
    }

    private List<Object> kinds() {
        return docs.stream().map(d -> d.get("kind")).toList();
    }

    private Map<String, Object> doc(String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private Map<String, Object> podSpec() {
        return map(at(doc("Deployment"), "spec", "template", "spec"), "pod spec");
    }

    private List<Map<String, Object>> containers() {
        return list(podSpec().get("containers"), "containers").stream().map(c -> map(c, "container")).toList();
    }

    private Map<String, Object> configMapData() {
        return map(doc("ConfigMap").get("data"), "ConfigMap data");
    }
}
