/**
 * The model normalised by PostgreSQL itself: the model's statements run in a scratch database (or isolated schemas),
 * its catalogs read back by the inspector are the desired state. Here too: what the shadow holds but no inspector
 * query reads (refused at start-up), SQL-standard bodies that a later statement outdated, and pinned extension versions.
 */
package dev.tasknode.node.schema.inspect.shadow;
