"""The JSON API's request and answer models, one module per tag of the document (cases,
appointments, team, meta) on a shared base. The OpenAPI document (`inbox.openapi`), the
checks on what comes in and the JSON that goes out (`inbox.api`) all come from these."""
