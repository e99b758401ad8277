package dev.tasknode.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskNodeApplication {
    public static void main(String[] args) {
        SpringApplication.run(TaskNodeApplication.class, args);
    }
}
