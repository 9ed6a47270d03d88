/**
 * ProjectMeats' CrossGuard policy pack. Every policy is mandatory: a violation stops `pulumi preview`
 * and `pulumi up`. Run it with `pulumi preview --policy-pack policy`, or offline with `npm run check`.
 */
import { PolicyPack } from "@pulumi/policy";
import { noUnpinnedActions } from "./actions";
import { databaseHasFirewall, databaseNotPublic, prodDatabaseStandby } from "./database";
import { environmentSecretsAreSecret, prodEnvironmentsRequireReviewers } from "./github";
import { noMutableImageTags, releaseImagesPinnedByDigest } from "./images";
import { appPortsNotPublic, loadBalancerCertificateByName, loadBalancerHealthCheck, prodHttpsOnly } from "./edge";
import { prodSshNotOpen } from "./network";

new PolicyPack("projectmeats", {
    enforcementLevel: "mandatory",
    policies: [
        noMutableImageTags,
        releaseImagesPinnedByDigest,
        noUnpinnedActions,
        databaseNotPublic,
        databaseHasFirewall,
        prodDatabaseStandby,
        prodSshNotOpen,
        prodHttpsOnly,
        loadBalancerHealthCheck,
        loadBalancerCertificateByName,
        appPortsNotPublic,
        prodEnvironmentsRequireReviewers,
        environmentSecretsAreSecret,
    ],
});
