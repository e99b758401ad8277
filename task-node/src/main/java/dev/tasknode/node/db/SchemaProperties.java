package dev.tasknode.node.db;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Naming of the managed schemas ({@code tasknode.schema.*}), shared by the schema engine and backups. */
@ConfigurationProperties("tasknode.schema")
public class SchemaProperties {
    /** Name of the shared schema. */
    private String shared = "shared";
    /** Project schema name template; {id} is the project id. */
    private String projectTemplate = "p_{id}";
    /**
     * Query returning the project ids (one text column); {shared} is replaced by the shared schema name. Its ids are
     * united with the existing schemas matching the template. Empty = schemas only.
     */
    private String projectIdsQuery = "SELECT id::text FROM {shared}.projects";

    public String getShared() {
        return shared;
    }

    public void setShared(String shared) {
        this.shared = shared;
    }

    public String getProjectTemplate() {
        return projectTemplate;
    }

    public void setProjectTemplate(String projectTemplate) {
        this.projectTemplate = projectTemplate;
    }

    public String getProjectIdsQuery() {
        return projectIdsQuery;
    }

    public void setProjectIdsQuery(String projectIdsQuery) {
        this.projectIdsQuery = projectIdsQuery;
    }
}
