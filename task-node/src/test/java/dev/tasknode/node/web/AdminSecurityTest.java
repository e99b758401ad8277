package dev.tasknode.node.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Sign-in, CSRF and roles of the Admin page over plain HTTP; the actuator stays open to scrapers and probes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminSecurityTest {
    static final AdminTestNode NODE = new AdminTestNode();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        NODE.register(r);
    }

    @AfterAll
    static void drop() {
        NODE.drop();
    }

    @LocalServerPort
    int port;

    private HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private HttpResponse<String> get(HttpClient c, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(HttpClient c, String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            sb.append(i == 0 ? "" : "&").append(kv[i]).append('=').append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private HttpResponse<String> signIn(HttpClient c, String user, String password) throws Exception {
        String page = get(c, "/login").body();
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("login form carries a CSRF token").isTrue();
        return post(c, "/login", "application/x-www-form-urlencoded",
                form("username", user, "password", password, "_csrf", m.group(1)));
    }

    @Test
    void actuatorStaysOpenAndAdminNeedsSignIn() throws Exception {
        HttpClient c = client();
        assertThat(get(c, "/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(get(c, "/actuator/prometheus").statusCode()).isEqualTo(200);
        HttpResponse<String> admin = get(c, "/admin/");
        assertThat(admin.statusCode()).isEqualTo(302);
        assertThat(admin.headers().firstValue("Location").orElse("")).endsWith("/login");
        assertThat(get(c, "/admin/api/me").statusCode()).isEqualTo(401);
        assertThat(get(c, "/admin/index.html").statusCode()).isEqualTo(302);
    }

    @Test
    void wrongPasswordAndMissingCsrfAreRefused() throws Exception {
        HttpClient c = client();
        HttpResponse<String> wrong = signIn(c, NODE.ADMIN, "not-the-password");
        assertThat(wrong.headers().firstValue("Location").orElse("")).endsWith("/login?error");
        assertThat(get(c, "/admin/api/me").statusCode()).isEqualTo(401);
        HttpResponse<String> noCsrf = post(client(), "/login", "application/x-www-form-urlencoded",
                form("username", NODE.ADMIN, "password", AdminTestNode.ADMIN_PASSWORD));
        assertThat(noCsrf.statusCode()).isEqualTo(403);
    }

    @Test
    void signedInPageValidatesWithTheNodesParserAndChecksRoles() throws Exception {
        HttpClient c = client();
        HttpResponse<String> ok = signIn(c, AdminTestNode.OPERATOR, AdminTestNode.OPERATOR_PASSWORD);
        assertThat(ok.headers().firstValue("Location").orElse("")).endsWith("/admin/");
        String me = get(c, "/admin/api/me").body();
        assertThat(me).contains("\"user\":\"bob\"", "OPERATOR").doesNotContain("ADMIN").doesNotContain("$2");
        String token = Pattern.compile("\"csrf_token\":\"([^\"]+)\"").matcher(me).results().findFirst().orElseThrow().group(1);
        String header = Pattern.compile("\"csrf_header\":\"([^\"]+)\"").matcher(me).results().findFirst().orElseThrow().group(1);

        // without the token: refused
        HttpResponse<String> noToken = post(c, "/admin/api/validate", "application/json", "{\"task\":\"sleep\",\"param\":\"3\"}");
        assertThat(noToken.statusCode()).as(noToken.body()).isEqualTo(403);
        HttpResponse<String> good = post(c, "/admin/api/validate", "application/json",
                "{\"task\":\"sleep\",\"param\":\"3\"}", header, token);
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).contains("\"seconds\":3", "\"allowed\":true");
        HttpResponse<String> bad = post(c, "/admin/api/validate", "application/json",
                "{\"task\":\"sleep\",\"param\":\"soon\"}", header, token);
        // a refusal is the answer to the question (200, ok false), so the browser logs no error per keystroke
        assertThat(bad.statusCode()).isEqualTo(200);
        assertThat(bad.body()).contains("\"ok\":false", "invalid_params", "a whole number from 0 to 3600");
        HttpResponse<String> restore = post(c, "/admin/api/validate", "application/json",
                "{\"task\":\"restore_database\",\"param\":\"20250520_123456:shared\"}", header, token);
        assertThat(restore.body()).contains("\"role_required\":\"ADMIN\"", "\"allowed\":false");
        HttpResponse<String> start = post(c, "/admin/api/runs", "application/json",
                "{\"task\":\"restore_database\",\"param\":\"20250520_123456:shared\"}", header, token);
        assertThat(start.statusCode()).isEqualTo(403);
        assertThat(start.body()).contains("needs the ADMIN role");
    }

    @Test
    void plainTextPasswordsAndUnknownRolesStopStartUp() {
        AdminProperties p = new AdminProperties();
        AdminProperties.User u = new AdminProperties.User();
        u.setName("carol");
        u.setPassword("hunter2");
        p.setUsers(List.of(u));
        assertThatThrownBy(() -> new AdminSecurity().adminUsers(p))
                .hasMessageContaining("must be a bcrypt hash").hasMessageNotContaining("hunter2");
        u.setPassword("{bcrypt}$2a$04$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234");
        u.setRoles(List.of("ROOT"));
        assertThatThrownBy(() -> new AdminSecurity().adminUsers(p)).hasMessageContaining("unknown role 'ROOT'");
    }

    @Test
    void devUsersOnlyWhenAskedFor() {
        AdminProperties p = new AdminProperties();
        assertThat(new AdminSecurity().adminUsers(p).userExists("admin")).isFalse();
        p.setDevUsers(true);
        var users = new AdminSecurity().adminUsers(p);
        assertThat(users.loadUserByUsername("admin").getAuthorities().toString()).contains("ROLE_ADMIN", "ROLE_OPERATOR");
        assertThat(users.loadUserByUsername("operator").getAuthorities().toString())
                .contains("ROLE_OPERATOR").doesNotContain("ROLE_ADMIN");
    }
}
