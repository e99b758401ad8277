package dev.tasknode.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskNodeApplication {
    public static void main(String[] args) {
        // jOOQ prints a logo and a "tip of the day" at start-up: noise in an operator's (JSON) log
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        SpringApplication.run(TaskNodeApplication.class, args);
    }
}
