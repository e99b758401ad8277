package dev.tasknode.node.cluster;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The PostgreSQL clusters the fleet spans ({@code tasknode.clusters.<name>.*}). Empty (the default): one cluster named
 * {@code default}, the node's own {@code spring.datasource}. The cluster {@code default} is always that datasource (it
 * also holds the node's store); an entry named {@code default} may only tune it (project ids query, parallelism).
 */
@ConfigurationProperties("tasknode")
public class ClusterProperties {
    private Map<String, Spec> clusters = new LinkedHashMap<>();

    public Map<String, Spec> getClusters() {
        return clusters;
    }

    public void setClusters(Map<String, Spec> clusters) {
        this.clusters = clusters;
    }

    /** One cluster's connection and placement settings. */
    public static class Spec {
        /** JDBC URL of the platform database on that cluster (same database name on every cluster is usual). */
        private String url;
        /** Empty = spring.datasource.username. */
        private String username;
        /** Give it as ${SOME_ENV_VAR}: never written into a file. Empty = spring.datasource.password. */
        private String password;
        /**
         * Which project ids live on this cluster (one text column, {shared} = that cluster's shared schema), united
         * with the project schemas present there. Null = tasknode.schema.project-ids-query.
         */
        private String projectIdsQuery;
        /** Schemas migrated at once on this cluster; 0 = tasknode.schema.parallelism. */
        private int maxParallel;
        /** TCP connect timeout of a new connection (JDBC connectTimeout). */
        private Duration connectTimeout = Duration.ofSeconds(5);
        /** How long a task waits for a pooled connection (Hikari connectionTimeout) before the cluster counts as down. */
        private Duration poolTimeout = Duration.ofSeconds(10);
        /**
         * Longest wait for any one answer from the server (JDBC socketTimeout): a cluster that vanishes without closing
         * its sockets fails its schemas after this instead of hanging. Keep it above the longest statement (online
         * index builds on big tables); 0 = none.
         */
        private Duration socketTimeout = Duration.ofHours(1);

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getProjectIdsQuery() {
            return projectIdsQuery;
        }

        public void setProjectIdsQuery(String projectIdsQuery) {
            this.projectIdsQuery = projectIdsQuery;
        }

        public int getMaxParallel() {
            return maxParallel;
        }

        public void setMaxParallel(int maxParallel) {
            this.maxParallel = maxParallel;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public void setConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        public Duration getPoolTimeout() {
            return poolTimeout;
        }

        public void setPoolTimeout(Duration poolTimeout) {
            this.poolTimeout = poolTimeout;
        }

        public Duration getSocketTimeout() {
            return socketTimeout;
        }

        public void setSocketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
        }
    }
}
