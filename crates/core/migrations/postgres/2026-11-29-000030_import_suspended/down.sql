DROP TABLE import_suspended;
