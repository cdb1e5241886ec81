// The shared Kubernetes API floor (types, validation, selectors) lands with the API server.
export {};
