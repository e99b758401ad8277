package dev.tasknode.node.schema.fanout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** The proposal fingerprint of a fleet on several clusters: one value over each cluster's own fingerprint. */
final class Fingerprints {
    static final String DOWN = "down";

    private Fingerprints() {}

    /**
     * With one cluster its fingerprint as it is (a single-cluster node's proposals keep their values); with several, a
     * digest of every cluster's name and fingerprint in registry order (a cluster that is down counts as "down").
     */
    static String combine(List<String> clusters, Map<String, String> byCluster) {
        if (clusters.size() == 1) {
            return byCluster.getOrDefault(clusters.getFirst(), DOWN);
        }
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String c : clusters) {
                md.update((c + "=" + byCluster.getOrDefault(c, DOWN) + ";").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
