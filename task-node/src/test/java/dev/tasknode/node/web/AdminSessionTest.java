package dev.tasknode.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tasknode.node.TaskNodeApplication;
import dev.tasknode.testing.TestEndpoints;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Admin sign-ins live in the node's own schema: two replicas behind one address (no sticky sessions) both know
 * the person, and a restarted node still does. Real nodes (own Spring contexts on their own ports) on the real
 * PostgreSQL and RabbitMQ; the cookie jar is shared between the ports as a load balancer's one host name would be.
 */
class AdminSessionTest {
    static final AdminTestNode NODE = new AdminTestNode();

    @AfterAll
    static void drop() {
        NODE.drop();
    }

    @Test
    void aSignInHoldsOnEveryReplicaAndAcrossARestart() throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).build();
        ConfigurableApplicationContext a = start();
        ConfigurableApplicationContext b = start();
        try {
            signIn(browser, port(a));
            assertThat(me(browser, port(a))).isEqualTo(200);
            assertThat(me(browser, port(b))).as("the other replica knows the session").isEqualTo(200);
            assertThat(sessionOwners()).contains(AdminTestNode.ADMIN);

            a.close();
            ConfigurableApplicationContext restarted = start();
            try {
                assertThat(me(browser, port(restarted))).as("after a restart").isEqualTo(200);
            } finally {
                restarted.close();
            }

            // and signing out ends it everywhere
            String csrf = csrfToken(browser, port(b));
            send(browser, HttpRequest.newBuilder(URI.create(base(port(b)) + "/logout"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)).build());
            assertThat(me(browser, port(b))).isEqualTo(401);
        } finally {
            b.close();
            if (a.isActive()) {
                a.close();
            }
        }
    }

    private static ConfigurableApplicationContext start() {
        List<String> args = new ArrayList<>();
        NODE.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=0");
        return new SpringApplicationBuilder(TaskNodeApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext c) {
        return ((WebServerApplicationContext) c).getWebServer().getPort();
    }

    private static String base(int port) {
        return "http://127.0.0.1:" + port;
    }

    private static void signIn(HttpClient browser, int port) throws Exception {
        String token = loginToken(browser, port);
        HttpResponse<String> r = send(browser, HttpRequest.newBuilder(URI.create(base(port) + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + AdminTestNode.ADMIN + "&password="
                        + AdminTestNode.ADMIN_PASSWORD + "&_csrf=" + token)).build());
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElse("")).endsWith("/admin/");
    }

    private static String loginToken(HttpClient browser, int port) throws Exception {
        String page = send(browser, HttpRequest.newBuilder(URI.create(base(port) + "/login")).build()).body();
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as(page).isTrue();
        return m.group(1);
    }

    private static String csrfToken(HttpClient browser, int port) throws Exception {
        String me = send(browser, HttpRequest.newBuilder(URI.create(base(port) + "/admin/api/me")).build()).body();
        Matcher m = Pattern.compile("\"csrf_token\":\"([^\"]+)\"").matcher(me);
        assertThat(m.find()).as(me).isTrue();
        return m.group(1);
    }

    private static int me(HttpClient browser, int port) throws Exception {
        return send(browser, HttpRequest.newBuilder(URI.create(base(port) + "/admin/api/me")).build()).statusCode();
    }

    private static HttpResponse<String> send(HttpClient browser, HttpRequest r) throws Exception {
        return browser.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> sessionOwners() throws Exception {
        TestEndpoints.Postgres pg = TestEndpoints.postgres();
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.urlFor(NODE.database), pg.user(), pg.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT principal_name FROM tasknode.spring_session")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
