export * from './app-config.js';
export * from './config-json-schema.js';
export * from './logger.js';
export * from './model-groups-schema.js';
export * from './package-info.js';
export * from './timeout-profile-defaults.js';
export * from './timeout-profile-loader.js';
export * from './timeout-profile-schema.js';
