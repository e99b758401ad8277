package dev.tasknode.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A cluster's URL shows in health and messages: secrets in its parameters never do. */
class ClusterUrlTest {
    @Test
    void passwordsInTheUrlAreMaskedAndTheRestIsKept() {
        Cluster c = new Cluster("eu", false, null, null, 2,
                "jdbc:postgresql://db:5432/app?ApplicationName=tn&password=s3cret&sslpassword=k3y&ssl=true");
        assertThat(c.url()).isEqualTo("jdbc:postgresql://db:5432/app?ApplicationName=tn&password=***&sslpassword=***&ssl=true");
        assertThat(c.toString()).doesNotContain("s3cret").doesNotContain("k3y");
        assertThat(new Cluster("eu", false, null, null, 2, "jdbc:postgresql://db/app").url()).isEqualTo("jdbc:postgresql://db/app");
    }
}
