"use strict";
exports.id = 76;
exports.ids = [76];
exports.modules = {

/***/ 96076:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createClients: () => (/* binding */ createClients)
});

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch/dist-cjs/index.js
var dist_cjs = __webpack_require__(44085);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudwatch-logs/dist-cjs/index.js
var client_cloudwatch_logs_dist_cjs = __webpack_require__(70303);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var client_ecr_dist_cjs = __webpack_require__(28249);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-ecs/dist-cjs/index.js
var client_ecs_dist_cjs = __webpack_require__(80212);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-elastic-load-balancing-v2/dist-cjs/index.js
var client_elastic_load_balancing_v2_dist_cjs = __webpack_require__(50586);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-rds/dist-cjs/index.js
var client_rds_dist_cjs = __webpack_require__(57202);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-secrets-manager/dist-cjs/index.js
var client_secrets_manager_dist_cjs = __webpack_require__(12994);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sts/dist-cjs/index.js
var client_sts_dist_cjs = __webpack_require__(71695);
;// CONCATENATED MODULE: ./src/version.ts
/** Kept in step with package.json by `npm run bundle` (checked by a test). */
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./src/aws/clients.ts









/**
 * One place for every client's settings. The endpoint is left to the SDK so its
 * own `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` settings keep working.
 */
function createClients(options) {
    const config = {
        region: options.region,
        retryMode: 'adaptive',
        maxAttempts: options.maxAttempts ?? 8,
        customUserAgent: `ecs-release/${VERSION}`,
        ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    return {
        ecs: new client_ecs_dist_cjs/* ECSClient */.Zgc(config),
        ecr: new client_ecr_dist_cjs/* ECRClient */.S70(config),
        cloudwatch: new dist_cjs/* CloudWatchClient */.WBn(config),
        logs: new client_cloudwatch_logs_dist_cjs/* CloudWatchLogsClient */.TFr(config),
        elbv2: new client_elastic_load_balancing_v2_dist_cjs/* ElasticLoadBalancingV2Client */.MlD(config),
        rds: new client_rds_dist_cjs/* RDSClient */.rYe(config),
        secrets: new client_secrets_manager_dist_cjs/* SecretsManagerClient */._H(config),
        sts: new client_sts_dist_cjs/* STSClient */.iM(config),
    };
}


/***/ })

};
;