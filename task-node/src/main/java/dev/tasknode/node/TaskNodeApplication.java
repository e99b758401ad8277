package dev.tasknode.node;

import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskNodeApplication {
    /** A class of the separate demo module ({@code demo/}), which task-node.jar never contains. */
    static final String DEMO_CLASS = "dev.tasknode.demo.DemoEnvironment";

    public static void main(String[] args) {
        String refusal = demoRefusal(args, System.getenv("SPRING_PROFILES_ACTIVE"));
        if (refusal != null) {
            System.err.println(refusal);
            System.exit(2);
        }
        // jOOQ prints a logo and a "tip of the day" at start-up: noise in an operator's (JSON) log
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        SpringApplication.run(TaskNodeApplication.class, args);
    }

    /**
     * Demo mode asked for (--demo or the demo profile) while the demo module is not on the class path: without
     * this, the node would quietly start against the configured (real) database and broker.
     */
    static String demoRefusal(String[] args, String profilesEnv) {
        boolean asked = Arrays.stream(args).anyMatch(a -> a.equals("--demo") || a.startsWith("--demo=") && !a.equals("--demo=false")
                || a.startsWith("--spring.profiles.active=") && hasDemo(a.substring(a.indexOf('=') + 1)))
                || hasDemo(profilesEnv);
        if (!asked || available()) {
            return null;
        }
        return "Demo mode needs the demo module, which task-node.jar does not contain (real deployments never start "
                + "anything embedded). Run it from the source tree: ./tasknode --demo (docs/demo.md).";
    }

    private static boolean hasDemo(String profiles) {
        return profiles != null && Arrays.stream(profiles.split(",")).map(String::strip).anyMatch("demo"::equals);
    }

    private static boolean available() {
        try {
            Class.forName(DEMO_CLASS, false, TaskNodeApplication.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
