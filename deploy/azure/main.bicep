// OrleansML on Azure: a storage account (grain state, checkpoints, models, datasets), Azure Database for PostgreSQL
// flexible server (membership and reminders), and Azure Container Apps running one silo per Container App with
// exactly one replica, each reachable on its own TCP ports at the internal environment's static IP (the Orleans
// guidance for Container Apps). See README.md.
// Silos talk mutual TLS (OrleansML:Tls) and export telemetry (a Prometheus scrape port; OTLP when otlpEndpoint is set).
//   az deployment group create -g RG -f main.bicep -p siloImage=REGISTRY/orleansml-silo:TAG postgresAdminPassword=... \
//     tlsCertificate="$(base64 -w0 cluster.pfx)" tlsCertificatePassword=... tlsTrustedCertificate="$(cat cluster-ca.pem)"

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Prefix of resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'orleansml'

@description('Number of silos: one Container App each.')
@minValue(1)
@maxValue(20)
param siloCount int = 3

@description('The silo image, built from deploy/container/Dockerfile.silo.')
param siloImage string

@description('Orleans ClusterId of this deployment.')
param clusterId string = 'orleansml-azure'

@description('Orleans ServiceId: keep it across deployments (grain state and reminders are keyed by it).')
param serviceId string = 'orleansml'

@description('PostgreSQL administrator login.')
param postgresAdminLogin string = 'orleansml'

@description('PostgreSQL administrator password.')
@secure()
param postgresAdminPassword string

@description('Subnet (at least /23) delegated to Microsoft.App/environments, in a VNet that reaches PostgreSQL.')
param infrastructureSubnetId string

@description('Subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers in the same VNet: the server gets no public access.')
param postgresSubnetId string

@description('Private DNS zone (privatelink.postgres.database.azure.com) linked to the VNet.')
param postgresPrivateDnsZoneId string

@description('The cluster\'s TLS certificate: a PKCS#12 (.pfx) file with Server and Client Authentication usages, base64-encoded (base64 -w0 cluster.pfx). Silos present it to each other and to clients.')
@secure()
param tlsCertificate string

@description('The password of tlsCertificate.')
@secure()
param tlsCertificatePassword string

@description('The certificate (PEM) that peers\' certificates must chain to: the cluster CA, or the self-signed certificate itself.')
param tlsTrustedCertificate string

@description('OTLP collector for metrics and traces (e.g. http://otel-collector:4317); empty: no OTLP export.')
param otlpEndpoint string = ''

@description('CPU cores per silo.')
param siloCpu string = '2.0'

@description('Memory per silo.')
param siloMemory string = '4Gi'

var siloPortBase = 11110
var gatewayPortBase = 30000
var healthPort = 8081
var prometheusPort = 9464

// Container Apps secrets are strings, so the PFX travels base64-encoded: the secret volume mounts it as text at
// tlsMount, and the container's command decodes it to tlsCertificatePath (container-local, mode 0600) before it
// starts the silo, which reads a binary PFX. The trusted certificate is PEM text and is read where it is mounted.
var tlsMount = '/etc/orleansml/tls'
var tlsEncodedFile = 'cluster.pfx.base64'
var tlsTrustedFile = 'cluster-ca.pem'
var tlsCertificatePath = '/tmp/orleansml-tls/cluster.pfx'
var siloCommand = 'umask 077 && mkdir -p /tmp/orleansml-tls && base64 -d ${tlsMount}/${tlsEncodedFile} > ${tlsCertificatePath} && exec dotnet /app/OrleansML.Silo.dll'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: '${namePrefix}${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${namePrefix}-pg-${uniqueString(resourceGroup().id)}'
  location: location
  sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    network: {
      delegatedSubnetResourceId: postgresSubnetId
      privateDnsZoneArmResourceId: postgresPrivateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: 'orleansml'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${namePrefix}-env'
  location: location
  properties: {
    vnetConfiguration: {
      internal: true
      infrastructureSubnetId: infrastructureSubnetId
    }
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var clusterConnection = 'Host=${postgres.properties.fullyQualifiedDomainName};Port=5432;Database=orleansml;Username=${postgresAdminLogin};Password=${postgresAdminPassword};SSL Mode=Require'
var blobConnection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${az.environment().suffixes.storage}'

resource silos 'Microsoft.App/containerApps@2024-03-01' = [for i in range(1, siloCount): {
  name: '${namePrefix}-silo-${i}'
  location: location
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      secrets: [
        { name: 'cluster-connection', value: clusterConnection }
        { name: 'blob-connection', value: blobConnection }
        { name: 'tls-certificate', value: tlsCertificate }
        { name: 'tls-certificate-password', value: tlsCertificatePassword }
        { name: 'tls-trusted-certificate', value: tlsTrustedCertificate }
      ]
      ingress: {
        external: false
        transport: 'tcp'
        targetPort: siloPortBase + i
        exposedPort: siloPortBase + i
        additionalPortMappings: [
          { external: false, targetPort: gatewayPortBase + i, exposedPort: gatewayPortBase + i }
        ]
      }
    }
    template: {
      // Exactly one replica: a silo app never scales out (every replica would advertise the same address) and never
      // to zero.
      scale: { minReplicas: 1, maxReplicas: 1 }
      containers: [
        {
          name: 'silo'
          image: siloImage
          command: [ 'bash', '-c', siloCommand ]
          resources: { cpu: json(siloCpu), memory: siloMemory }
          env: [
            { name: 'Orleans__Name', value: 'silo-${i}' }
            { name: 'Orleans__ClusterId', value: clusterId }
            { name: 'Orleans__ServiceId', value: serviceId }
            { name: 'Orleans__Endpoints__AdvertisedIPAddress', value: environment.properties.staticIp }
            { name: 'Orleans__Endpoints__SiloPort', value: string(siloPortBase + i) }
            { name: 'Orleans__Endpoints__GatewayPort', value: string(gatewayPortBase + i) }
            { name: 'Orleans__Endpoints__SiloListeningEndpoint', value: '0.0.0.0:${siloPortBase + i}' }
            { name: 'Orleans__Endpoints__GatewayListeningEndpoint', value: '0.0.0.0:${gatewayPortBase + i}' }
            { name: 'OrleansML__Health__Port', value: string(healthPort) }
            { name: 'OrleansML__Health__Address', value: '0.0.0.0' }
            { name: 'Orleans__Clustering__ProviderType', value: 'AdoNet' }
            { name: 'Orleans__Clustering__ConnectionName', value: 'cluster' }
            { name: 'Orleans__Reminders__ProviderType', value: 'AdoNet' }
            { name: 'Orleans__Reminders__ConnectionName', value: 'cluster' }
            { name: 'ConnectionStrings__cluster', secretRef: 'cluster-connection' }
            { name: 'Orleans__GrainStorage__Default__ProviderType', value: 'AzureBlobStorage' }
            { name: 'Orleans__GrainStorage__Default__ConnectionName', value: 'blobs' }
            { name: 'Orleans__GrainStorage__Default__ContainerName', value: 'orleansml-state' }
            { name: 'ConnectionStrings__blobs', secretRef: 'blob-connection' }
            { name: 'OrleansML__BlobStore__Kind', value: 'Azure' }
            { name: 'OrleansML__BlobStore__ConnectionString', secretRef: 'blob-connection' }
            { name: 'OrleansML__BlobStore__Container', value: 'orleansml-blobs' }
            { name: 'OrleansML__Tls__Enabled', value: 'true' }
            { name: 'OrleansML__Tls__CertificatePath', value: tlsCertificatePath }
            { name: 'OrleansML__Tls__CertificatePassword', secretRef: 'tls-certificate-password' }
            { name: 'OrleansML__Tls__TrustedCertificatePath', value: '${tlsMount}/${tlsTrustedFile}' }
            { name: 'OrleansML__Telemetry__PrometheusPort', value: string(prometheusPort) }
            { name: 'OrleansML__Telemetry__PrometheusAddress', value: '0.0.0.0' }
            { name: 'OrleansML__Telemetry__OtlpEndpoint', value: otlpEndpoint }
          ]
          volumeMounts: [
            { volumeName: 'tls', mountPath: tlsMount }
          ]
          probes: [
            { type: 'Startup', httpGet: { path: '/healthz', port: healthPort }, periodSeconds: 5, failureThreshold: 24 }
            { type: 'Liveness', httpGet: { path: '/healthz', port: healthPort }, periodSeconds: 10, timeoutSeconds: 5 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: healthPort }, periodSeconds: 10, timeoutSeconds: 8 }
          ]
        }
      ]
      volumes: [
        {
          name: 'tls'
          storageType: 'Secret'
          secrets: [
            { secretRef: 'tls-certificate', path: tlsEncodedFile }
            { secretRef: 'tls-trusted-certificate', path: tlsTrustedFile }
          ]
        }
      ]
    }
  }
  dependsOn: [ database ]
}]

@description('The address every silo advertises (with its own ports); clients find gateways through PostgreSQL.')
output siloAddress string = environment.properties.staticIp

@description('The PostgreSQL server, for create-schema.sh or orleansml db init.')
output postgresHost string = postgres.properties.fullyQualifiedDomainName

output storageAccount string = storage.name
